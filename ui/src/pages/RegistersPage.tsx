import { useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { formatValue } from '../format.ts';
import { optionLabel } from '../labels.ts';
import { displayReading, writeBoxText } from '../quantity.ts';
import { useLive } from '../live.ts';
import { href } from '../route.ts';
import type { DeviceView, RegisterView, Value } from '../types.ts';

interface RowResult {
  ok: boolean;
  text: string;
}

interface PendingWrite {
  register: RegisterView;
  value: Value;
}

export function RegistersPage({ id }: { id: string }) {
  const live = useLive();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Record<string, RowResult>>({});
  const [pending, setPending] = useState<PendingWrite>();
  const device = live.devices.get(id);
  if (!device) {
    return (
      <section>
        <h1>Registers of {id}</h1>
        <p class="muted">{live.version === 0 ? 'Loading…' : 'This device is not known to the bridge.'}</p>
      </section>
    );
  }
  const q = query.trim().toLowerCase();
  const shown = device.registers.filter(
    (r) => !q || [r.key, r.name, r.id, r.description, r.unit, ...(r.groups ?? [])].some((s) => s?.toLowerCase().includes(q)),
  );
  const setResult = (key: string, r: RowResult) => setResults((prev) => ({ ...prev, [key]: r }));

  const read = async (keys: string[]) => {
    for (const k of keys) setResult(k, { ok: true, text: 'reading…' });
    try {
      const res = await api<{ readings: { key: string; value: Value; unit?: string }[] }>(`api/devices/${encodeURIComponent(id)}/read`, {
        method: 'POST',
        body: { keys },
      });
      for (const r of res.readings) {
        const reg = device.registers.find((x) => x.key === r.key);
        const shown = reg ? displayReading(reg, r.value) : { text: formatValue(r.value), unit: r.unit ?? '' };
        setResult(r.key, { ok: true, text: `read ${shown.text} ${shown.unit}`.trim() });
      }
    } catch (err) {
      for (const k of keys) setResult(k, { ok: false, text: errorText(err) });
    }
  };

  const write = async ({ register, value }: PendingWrite) => {
    setPending(undefined);
    setResult(register.key, { ok: true, text: 'writing…' });
    try {
      const res = await api<{ value: Value }>(`api/devices/${encodeURIComponent(id)}/write`, {
        method: 'POST',
        body: { key: register.key, value },
      });
      const shown = displayReading(register, res.value);
      setResult(register.key, { ok: true, text: `written, read back ${shown.text} ${shown.unit}`.trim() });
    } catch (err) {
      setResult(register.key, { ok: false, text: errorText(err) });
    }
  };

  return (
    <>
      <header class="page-head">
        <div>
          <h1>
            Registers of <a href={href('device', id)}>{device.name}</a>
          </h1>
          <p class="muted small">
            {device.registers.length} registers · writes {device.allowWrites ? 'allowed' : 'off (enable them in the device options)'}
          </p>
        </div>
        <div class="actions">
          <button type="button" onClick={() => read(shown.map((r) => r.key))} disabled={shown.length === 0}>
            Read all shown
          </button>
        </div>
      </header>
      <label class="search">
        <span>Search</span>
        <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} placeholder="name, key, id, unit or group" />
      </label>
      <div class="scroll">
        <table class="grid registers">
          <thead>
            <tr>
              <th scope="col">Register</th>
              <th scope="col" class="num">
                Value
              </th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.key} data-key={r.key}>
                <th scope="row">
                  <div>{r.name}</div>
                  <div class="muted small">
                    <code>{r.key}</code>
                    {r.id && (
                      <>
                        {' '}
                        · <code>{r.id}</code>
                      </>
                    )}
                    {r.groups?.length ? ` · ${r.groups.join(', ')}` : ''}
                  </div>
                  {r.description && <div class="muted small">{r.description}</div>}
                </th>
                <td class="num" data-label="Value">
                  <Reading register={r} value={device.state[r.key]} />
                </td>
                <td>
                  <div class="row-actions">
                    <button type="button" onClick={() => read([r.key])} aria-label={`Read ${r.name} now`}>
                      Read
                    </button>
                    {r.writable && <WriteControl register={r} device={device} onWrite={(value) => setPending({ register: r, value })} />}
                  </div>
                  {results[r.key] && (
                    <div class={results[r.key]!.ok ? 'result ok' : 'result error'} role="status">
                      {results[r.key]!.text}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && <p class="muted">No register matches “{query}”.</p>}
      {pending && (
        <ConfirmDialog
          title={`Write ${pending.register.name}?`}
          confirmLabel="Write"
          danger
          onConfirm={() => write(pending)}
          onCancel={() => setPending(undefined)}
        >
          <p>
            {device.name}: <strong>{pending.register.name}</strong> from{' '}
            <strong>{inWords(pending.register, device.state[pending.register.key])}</strong> to{' '}
            <strong>{inWords(pending.register, pending.value)}</strong> {pending.register.unit ?? ''}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function WriteControl({ register: r, device, onWrite }: { register: RegisterView; device: DeviceView; onWrite: (v: Value) => void }) {
  const current = device.state[r.key];
  const [text, setText] = useState(writeBoxText(r, current));
  const inputId = `w-${r.key}`;
  const submit = (e: Event) => {
    e.preventDefault();
    onWrite(toValue(r, text));
  };
  return (
    <form class="write" onSubmit={submit}>
      <label for={inputId} class="sr-only">
        New value of {r.name}
      </label>
      {r.type === 'enum' ? (
        <select id={inputId} value={text} onChange={(e) => setText(e.currentTarget.value)}>
          {(r.options ?? []).map((o) => (
            <option key={o} value={o}>
              {optionLabel(o)}
            </option>
          ))}
        </select>
      ) : r.type === 'bool' ? (
        <select id={inputId} value={text} onChange={(e) => setText(e.currentTarget.value)}>
          <option value="true">on</option>
          <option value="false">off</option>
        </select>
      ) : (
        <input
          id={inputId}
          type={r.type === 'text' ? 'text' : 'number'}
          value={text}
          min={r.min}
          max={r.max}
          step={r.step ?? 'any'}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      )}
      {/* Writes are in the register's own unit, which may differ from the one values are shown in (kW, W). */}
      {r.unit && r.type !== 'enum' && r.type !== 'bool' && <span class="unit">{r.unit}</span>}
      <button type="submit">Write</button>
    </form>
  );
}

function toValue(r: RegisterView, text: string): Value {
  if (r.type === 'bool') return text === 'true';
  if (r.type === 'enum' || r.type === 'text') return text;
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

/** A value as the write dialog says it: an enum's label, a number without float noise, in the register's own unit. */
function inWords(r: RegisterView, value: Value | undefined): string {
  return r.type === 'enum' && typeof value === 'string' ? optionLabel(value) : writeBoxText(r, value);
}

function Reading({ register, value }: { register: RegisterView; value: Value | undefined }) {
  const shown = displayReading(register, value);
  return (
    <>
      <span class="value">{shown.text}</span> {shown.unit}
    </>
  );
}
