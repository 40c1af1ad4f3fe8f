/** Any JSON-like object as a table; nested objects and arrays become nested tables. */
export function KeyValueTable({ data }: { data: unknown }) {
  if (data === null || typeof data !== 'object') return <span>{display(data)}</span>;
  const entries = Array.isArray(data) ? data.map((v, i) => [String(i), v] as const) : Object.entries(data as Record<string, unknown>);
  if (entries.length === 0) return <span class="muted">{Array.isArray(data) ? 'none' : '—'}</span>;
  return (
    <table class="kv">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v !== null && typeof v === 'object' ? <KeyValueTable data={v} /> : display(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function display(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}
