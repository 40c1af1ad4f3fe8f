/** How long ago, short: "4 s", "12 min", "3 h", "2 d". */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** A register value for display, with its precision when it is a number. */
export function formatValue(value: unknown, precision?: number): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (precision === undefined) return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
    return value.toLocaleString('en', { minimumFractionDigits: precision, maximumFractionDigits: precision, useGrouping: false });
  }
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${Math.floor(seconds)} s`;
}
