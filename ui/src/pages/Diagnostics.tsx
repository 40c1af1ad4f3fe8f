import { KeyValueTable } from '../components/KeyValueTable.tsx';
import { useLive } from '../live.ts';
import type { LogLine } from '../types.ts';
import { apiUrl } from '../urls.ts';
import { useApi } from '../useApi.ts';

export function Diagnostics() {
  const logs = useApi<LogLine[]>('api/logs');
  const stats = useApi<Record<string, unknown>>('api/stats');
  const live = useLive();
  const devices = new Map([...live.devices.values()].map((d) => [d.id, d.name]));
  return (
    <>
      <header class="page-head">
        <h1>Diagnostics</h1>
        <div class="actions">
          <a class="button primary" href={apiUrl('api/diagnostics/bundle')} download>
            Download diagnostics bundle
          </a>
        </div>
      </header>
      <p class="muted small">
        The bundle holds the version, statistics, devices, recent logs and the options with passwords and keys removed: attach it to an
        issue.
      </p>
      <section aria-labelledby="stats">
        <h2 id="stats">
          Bridge statistics{' '}
          <button type="button" class="link" onClick={stats.reload}>
            refresh
          </button>
        </h2>
        {stats.error ? <p class="error">{stats.error}</p> : <KeyValueTable data={stats.data ?? {}} />}
      </section>
      {live.events.length > 0 && (
        <section aria-labelledby="events">
          <h2 id="events">Device events</h2>
          <ul class="log">
            {live.events.map((e, i) => (
              <li key={`${e.ts}-${i}`} class={e.type}>
                <time>{new Date(e.ts).toLocaleTimeString()}</time> <span class="lvl">{e.type}</span> {devices.get(e.id) ?? e.id}:{' '}
                {e.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="logs">
        <h2 id="logs">
          Recent log{' '}
          <button type="button" class="link" onClick={logs.reload}>
            refresh
          </button>
        </h2>
        {logs.error && <p class="error">{logs.error}</p>}
        {logs.data && logs.data.length > 0 && (
          <ul class="log">
            {[...logs.data].reverse().map((l, i) => (
              <li key={`${l.time}-${i}`} class={l.level}>
                <time>{new Date(l.time).toLocaleTimeString()}</time> <span class="lvl">{l.level}</span> {l.msg}
              </li>
            ))}
          </ul>
        )}
        {logs.data?.length === 0 && <p class="muted">No log lines yet.</p>}
      </section>
    </>
  );
}
