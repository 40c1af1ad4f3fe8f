import { words } from '../labels.ts';

/** Any JSON-like object as a table, keys in words; nested objects and arrays become nested tables. */
export function KeyValueTable({ data, empty = '—' }: { data: unknown; empty?: string }) {
  if (data === null || typeof data !== 'object') return <span>{display(data)}</span>;
  if (Array.isArray(data) && data.every((v) => v === null || typeof v !== 'object')) {
    return data.length === 0 ? <span class="muted">none</span> : <span>{data.map((v) => display(v)).join(', ')}</span>;
  }
  const entries = Array.isArray(data) ? data.map((v, i) => [String(i), v] as const) : Object.entries(data as Record<string, unknown>);
  if (entries.length === 0) return <span class="muted">{empty}</span>;
  return (
    <table class="kv">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{words(k)}</th>
            <td>{v !== null && typeof v === 'object' ? <KeyValueTable data={v} /> : display(v, k)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Epoch milliseconds under a time-like key are shown as a date. */
const TIME_KEY = /(time|timestamp|since|at|last\w*)$/i;

function display(v: unknown, key = ''): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number' && v > 1e12 && v < 1e13 && TIME_KEY.test(key)) return new Date(v).toLocaleString();
  return String(v);
}
