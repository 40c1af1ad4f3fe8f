import { useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { Availability } from '../components/Availability.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DeviceCharts } from '../components/DeviceCharts.tsx';
import { KeyValueTable } from '../components/KeyValueTable.tsx';
import { formatAge } from '../format.ts';
import { optionsPlace } from '../labels.ts';
import { displayReading } from '../quantity.ts';
import { useLive } from '../live.ts';
import { href } from '../route.ts';
import { useNow } from '../useNow.ts';

export function DevicePage({ id }: { id: string }) {
  const live = useLive();
  useNow(1000);
  const now = Date.now();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const device = live.devices.get(id);
  if (!device) {
    return (
      <section>
        <h1>Device {id}</h1>
        <p class="muted">{live.version === 0 ? 'Loading…' : 'This device is not known to the bridge (removed, or not started yet).'}</p>
        <a href={href()}>Back to the overview</a>
      </section>
    );
  }
  const events = live.events.filter((e) => e.id === id);
  const remove = async () => {
    setConfirming(false);
    try {
      await api(`api/devices/${encodeURIComponent(id)}`, { method: 'DELETE' });
      location.hash = href();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const facts: [string, string | undefined][] = [
    ['Kind', device.kind],
    ['Id', device.id],
    ['Manufacturer', device.manufacturer],
    ['Model', device.model],
    ['Serial number', device.serialNumber],
    ['Software', device.swVersion],
    ['Writes', device.allowWrites ? 'allowed' : 'off'],
    ['Status since', new Date(device.since).toLocaleString()],
  ];
  return (
    <>
      <header class="page-head">
        <div>
          <h1>{device.name}</h1>
          <Availability availability={device.availability} reason={device.reason} />
        </div>
        <div class="actions">
          <a class="button" href={href('registers', id)}>
            Register browser
          </a>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Remove device
          </button>
        </div>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <section aria-labelledby="facts">
        <h2 id="facts">Device</h2>
        <dl class="facts">
          {facts
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
      </section>
      <section aria-labelledby="regs">
        <h2 id="regs">Registers</h2>
        <div class="scroll">
          <table class="grid narrow stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" class="num">
                  Value
                </th>
                <th scope="col">Unit</th>
                <th scope="col">Age</th>
              </tr>
            </thead>
            <tbody>
              {device.registers.map((r) => {
                const shown = displayReading(r, device.state[r.key]);
                return (
                  <tr key={r.key} data-key={r.key}>
                    <th scope="row">
                      {r.name}
                      {r.entityCategory === 'diagnostic' && <span class="tag">diagnostic</span>}
                    </th>
                    <td class="num value" data-label="Value">
                      {shown.text}
                    </td>
                    <td data-label="Unit">{shown.unit}</td>
                    <td class="muted" data-label="Age">
                      {device.updated[r.key] ? formatAge(now - device.updated[r.key]!) : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      <DeviceCharts device={device} />
      {events.length > 0 && (
        <section aria-labelledby="events">
          <h2 id="events">Recent events</h2>
          <ul class="log">
            {events.map((e, i) => (
              <li key={`${e.ts}-${i}`} class={e.type}>
                <time>{new Date(e.ts).toLocaleTimeString()}</time> <span class="lvl">{e.type}</span> {e.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="diag">
        <h2 id="diag">Diagnostics</h2>
        <KeyValueTable data={readableDiagnostics(device.diagnostics)} empty="The driver reports no diagnostics for this device." />
      </section>
      {confirming && (
        <ConfirmDialog
          title={`Remove ${device.name}?`}
          confirmLabel="Remove"
          danger
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Its entities disappear from Home Assistant (the retained discovery, status and state are cleared). A device still in the
            options, or dialing in again, comes back.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** The options entry a device comes from (`where: dlms_meters[0]`) in words. */
function readableDiagnostics(diag: Record<string, unknown>): Record<string, unknown> {
  return typeof diag.where === 'string' ? { ...diag, where: optionsPlace(diag.where) } : diag;
}
