/** How option messages name one device entry: by its name where it has one. */

const MAX_NAME = 64;

/** `"Garage PIKO" (kostal[1])`, or `kostal[1]` for an entry without a name. */
export function deviceLabel(listKey: string, index: number, item: unknown): string {
  const where = `${listKey}[${index}]`;
  const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || name.trim() === '') return where;
  const shown = name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name;
  return `${JSON.stringify(shown)} (${where})`;
}
