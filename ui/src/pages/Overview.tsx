import { useMemo } from 'preact/hooks';
import { Availability } from '../components/Availability.tsx';
import { BrokerLogin } from '../components/BrokerLogin.tsx';
import { Sparkline } from '../components/Sparkline.tsx';
import { deviceSummary } from '../deviceCounts.ts';
import { formatDuration } from '../format.ts';
import { displayReading } from '../quantity.ts';
import { getStreamState, useLive } from '../live.ts';
import { href } from '../route.ts';
import type { DeviceView, Health } from '../types.ts';
import { useApi } from '../useApi.ts';
import { useNow } from '../useNow.ts';
import type { LiveState } from '../liveState.ts';

/** Values per card on the overview; the device page has them all. */
const CARD_VALUES = 10;

export function Overview() {
  const live = useLive();
  useNow(5000);
  const now = Date.now();
  const health = useApi<Health>('api/health');
  const startedAt = useMemo(() => (health.data ? Date.now() - health.data.uptime : undefined), [health.data]);
  const devices = [...live.devices.values()].sort((a, b) => a.name.localeCompare(b.name));
  const broker = { ...health.data?.broker, ...live.broker };
  const stream = getStreamState();
  const configErrors = health.data?.configErrors ?? [];
  return (
    <>
      <section class="status-bar" aria-label="Bridge status">
        <div>
          <span class={`dot ${stream === 'live' ? 'ok' : 'bad'}`} aria-hidden="true" />
          Bridge {health.data ? `v${health.data.version}` : ''} · {stream === 'live' ? 'live' : stream}
          {startedAt !== undefined && <span class="muted"> · up {formatDuration((now - startedAt) / 1000)}</span>}
        </div>
        <div>
          <span class={`dot ${broker.connected ? 'ok' : 'bad'}`} aria-hidden="true" />
          MQTT {broker.source ?? ''} broker {broker.connected ? 'connected' : 'not connected'}
          {broker.url && <span class="muted"> · {broker.url}</span>}
          {(broker.queued ?? 0) > 0 && <span class="warn-text"> · {broker.queued} queued</span>}
          {(broker.dropped ?? 0) > 0 && <span class="warn-text"> · {broker.dropped} dropped</span>}
        </div>
        {devices.length > 0 && (
          <div class="device-summary">
            <span class={`dot ${devices.some((d) => d.availability === 'fault') ? 'bad' : 'ok'}`} aria-hidden="true" />
            {deviceSummary(devices)}
          </div>
        )}
        {health.error && (
          <p class="error" role="alert">
            Bridge not reachable: {health.error}
          </p>
        )}
      </section>
      {broker.source === 'embedded' && <BrokerLogin />}
      {configErrors.length > 0 && (
        <section class="notice warn" aria-label="Options problems">
          <strong>Problems in the options:</strong>
          <ul>
            {configErrors.map((e) => (
              <li key={`${e.where}: ${e.message}`}>
                <code>{e.where}</code>: {e.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {devices.length === 0 ? (
        <section class="empty">
          <p>No devices yet.</p>
          <a class="button primary" href={href('onboarding')}>
            Add a device
          </a>
        </section>
      ) : (
        <div class="cards">
          {devices.map((d) => (
            <DeviceCard key={d.id} device={d} live={live} now={now} />
          ))}
        </div>
      )}
    </>
  );
}

function DeviceCard({ device, live, now }: { device: DeviceView; live: LiveState; now: number }) {
  const known = device.registers.filter((r) => device.state[r.key] !== undefined);
  const primary = known.filter((r) => r.entityCategory !== 'diagnostic');
  // A device that only reports diagnostic values (a link, a counter) shows those rather than nothing.
  const withValues = primary.length > 0 ? primary : known;
  const shown = withValues.slice(0, CARD_VALUES);
  return (
    <article class="card" aria-labelledby={`dev-${device.id}`}>
      <header>
        <h2 id={`dev-${device.id}`}>
          <a href={href('device', device.id)}>{device.name}</a>
        </h2>
        <Availability availability={device.availability} reason={device.reason} />
      </header>
      <p class="muted small">{[device.kind, device.manufacturer, device.model].filter(Boolean).join(' · ')}</p>
      {shown.length === 0 ? (
        <p class="muted">No values yet.</p>
      ) : (
        <table class="values">
          <tbody>
            {shown.map((r) => {
              const value = displayReading(r, device.state[r.key]);
              return (
                <tr key={r.key} data-key={r.key}>
                  <th scope="row">{r.name}</th>
                  <td class="num">
                    <span class="value">{value.text}</span> <span class="unit">{value.unit}</span>
                  </td>
                  <td class="chart">
                    {typeof device.state[r.key] === 'number' && (
                      <Sparkline points={live.series(device.id, r.key)} now={now} label={r.name} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {withValues.length > shown.length && (
        <p class="small">
          <a href={href('device', device.id)}>All {withValues.length} values</a>
        </p>
      )}
    </article>
  );
}
