import { useState } from 'preact/hooks';
import type { FoundDeviceView, KindView, PendingDeviceView, SerialPortView, TestResultView } from '../../../server/web/onboardingView.ts';
import { api, errorText } from '../api.ts';
import { href } from '../route.ts';
import { type FormField, type FormValues, formFields, initialValues, missingFields, toConfig, valuesOf } from '../schemaForm.ts';
import { useApi } from '../useApi.ts';

export function Onboarding() {
  const kinds = useApi<KindView[]>('api/onboarding/kinds');
  const [kind, setKind] = useState<KindView>();
  return (
    <>
      <h1>Add a device</h1>
      <ol class="steps" aria-label="Steps">
        <li class={kind ? 'done' : 'current'}>Kind</li>
        <li class={kind ? 'current' : ''}>Find, test and save</li>
      </ol>
      {kinds.error && <p class="error">The kinds of device could not be loaded: {kinds.error}</p>}
      {kind ? (
        <DeviceForm key={kind.kind} kind={kind} onBack={() => setKind(undefined)} />
      ) : kinds.data ? (
        <fieldset class="kinds">
          <legend>What kind of device?</legend>
          {kinds.data.map((k) => (
            <button type="button" key={k.kind} class="kind" data-kind={k.kind} onClick={() => setKind(k)}>
              <strong>{k.label}</strong>
              <span class="muted small">{k.blurb}</span>
            </button>
          ))}
        </fieldset>
      ) : (
        kinds.loading && <p class="muted">Loading…</p>
      )}
    </>
  );
}

function DeviceForm({ kind, onBack }: { kind: KindView; onBack: () => void }) {
  const [fields] = useState<FormField[]>(() => formFields(kind.schema));
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [test, setTest] = useState<TestResultView | 'running'>();
  const [saved, setSaved] = useState<string>();
  const [saveError, setSaveError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (patch: FormValues) => {
    setValues((v) => ({ ...v, ...patch }));
    setTest(undefined);
    setSaveError(undefined);
  };
  const adopt = (config: Record<string, unknown>) => set(valuesOf(fields, config));
  const config = toConfig(fields, values);
  const missing = missingFields(fields, config);

  const runTest = async () => {
    setTest('running');
    try {
      setTest(await api<TestResultView>('api/onboarding/test', { method: 'POST', body: { kind: kind.kind, config } }));
    } catch (err) {
      setTest({ ok: false, message: errorText(err) });
    }
  };
  const save = async () => {
    setBusy(true);
    setSaveError(undefined);
    try {
      await api('api/onboarding/save', { method: 'POST', body: { kind: kind.kind, config } });
      setSaved(String(config.name ?? config.host ?? config.address ?? config.serial_port ?? kind.label));
    } catch (err) {
      setSaveError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (saved) {
    return (
      <section class="notice ok" role="status">
        <p>
          <strong>{saved}</strong> is saved and starting. It appears on the overview as soon as it answers.
        </p>
        <div class="actions">
          <a class="button primary" href={href()}>
            Go to the overview
          </a>
          <button type="button" onClick={onBack}>
            Add another device
          </button>
        </div>
      </section>
    );
  }
  return (
    <section aria-labelledby="kind-title">
      <h2 id="kind-title">{kind.label}</h2>
      <p class="muted">{kind.blurb}</p>
      {kind.presets.length > 0 && (
        <div class="discovery">
          <p>
            <strong>Start from:</strong>{' '}
            {kind.presets.map((p) => (
              <button type="button" key={p.label} onClick={() => adopt(p.config)}>
                {p.label}
              </button>
            ))}
          </p>
        </div>
      )}
      {kind.discovery.includes('mdns') && <NetworkScan kind={kind.kind} onPick={(d) => adopt(d.config)} />}
      {kind.discovery.includes('pending') && <PendingDevices kind={kind.kind} onAdopt={adopt} />}
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void runTest();
        }}
      >
        {fields.map((f) => (
          <FieldInput key={f.key} field={f} value={values[f.key] ?? ''} onChange={(v) => set({ [f.key]: v })} />
        ))}
        {missing.length > 0 && <p class="muted small">Still needed: {missing.join(', ')}</p>}
        <div class="actions">
          <button type="button" onClick={onBack}>
            Back
          </button>
          <button type="submit" disabled={missing.length > 0 || test === 'running'}>
            Test connection
          </button>
          <button type="button" class="primary" disabled={missing.length > 0 || busy} onClick={save}>
            Save
          </button>
        </div>
      </form>
      {test === 'running' && (
        <p class="result" role="status">
          Testing…
        </p>
      )}
      {test && test !== 'running' && (
        <div class={`notice ${test.ok ? 'ok' : 'bad'}`} role="status" data-test-result={test.ok ? 'ok' : 'failed'}>
          <p>
            <strong>{test.ok ? 'Connection works.' : 'Connection failed.'}</strong> {test.message}
          </p>
          {test.details && (
            <dl class="facts">
              {Object.entries(test.details).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      )}
      {saveError && (
        <p class="error" role="alert">
          Not saved: {saveError}
        </p>
      )}
    </section>
  );
}

function FieldInput({ field: f, value, onChange }: { field: FormField; value: string | boolean; onChange: (v: string | boolean) => void }) {
  const id = `f-${f.key}`;
  const help = f.help ? `${id}-help` : undefined;
  if (f.input === 'checkbox') {
    return (
      <div class="field check">
        <input
          id={id}
          name={f.key}
          type="checkbox"
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
          aria-describedby={help}
        />
        <label for={id}>{f.label}</label>
        {f.help && <small id={help}>{f.help}</small>}
      </div>
    );
  }
  const text = typeof value === 'string' ? value : '';
  return (
    <div class="field">
      <label for={id}>
        {f.label}
        {f.required && <span aria-hidden="true"> *</span>}
      </label>
      {f.input === 'select' ? (
        <select id={id} name={f.key} value={text} onChange={(e) => onChange(e.currentTarget.value)}>
          {(f.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o === '' ? 'default' : o}
            </option>
          ))}
        </select>
      ) : f.input === 'serial' ? (
        <SerialInput id={id} value={text} onChange={onChange} />
      ) : (
        <input
          id={id}
          name={f.key}
          type={f.input}
          value={text}
          required={f.required}
          placeholder={f.placeholder}
          autocomplete={f.input === 'password' ? 'new-password' : 'off'}
          aria-describedby={help}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      )}
      {f.help && <small id={help}>{f.help}</small>}
    </div>
  );
}

/** Serial ports listed by-id first (stable across reboots); any path may be typed. */
function SerialInput({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const ports = useApi<SerialPortView[]>('api/onboarding/serial-ports');
  return (
    <>
      <input
        id={id}
        type="text"
        list={`${id}-list`}
        value={value}
        placeholder="/dev/serial/by-id/…"
        onInput={(e) => onChange(e.currentTarget.value)}
      />
      <datalist id={`${id}-list`}>
        {(ports.data ?? []).map((p) => (
          <option key={p.path} value={p.path}>
            {[p.manufacturer, p.target].filter(Boolean).join(' · ')}
          </option>
        ))}
      </datalist>
      <small>
        {ports.loading
          ? 'Looking for serial ports…'
          : ports.error
            ? `Serial ports could not be listed: ${ports.error}`
            : `${ports.data?.length ?? 0} serial port(s) found`}{' '}
        <button type="button" class="link" onClick={ports.reload}>
          refresh
        </button>
      </small>
    </>
  );
}

/** Devices of this kind announcing themselves on the LAN (mDNS). */
function NetworkScan({ kind, onPick }: { kind: string; onPick: (d: FoundDeviceView) => void }) {
  const [state, setState] = useState<FoundDeviceView[] | 'scanning' | string>();
  const scan = async () => {
    setState('scanning');
    try {
      setState(await api<FoundDeviceView[]>(`api/onboarding/mdns?seconds=3&kind=${encodeURIComponent(kind)}`));
    } catch (err) {
      setState(errorText(err));
    }
  };
  return (
    <div class="discovery">
      <button type="button" onClick={scan} disabled={state === 'scanning'}>
        {state === 'scanning' ? 'Scanning…' : 'Scan the network (mDNS)'}
      </button>
      {typeof state === 'string' && state !== 'scanning' && <p class="error">{state}</p>}
      {Array.isArray(state) &&
        (state.length === 0 ? (
          <p class="muted">Nothing answered. Check that the device has joined the network, or enter its address.</p>
        ) : (
          <ul class="found">
            {state.map((d) => (
              <li key={`${d.host}:${d.port}`}>
                <span>
                  {d.label} · {d.host}:{d.port}
                  {typeof d.config.lfdi === 'string' && <span class="muted"> · LFDI {d.config.lfdi.slice(0, 8)}…</span>}
                </span>
                <button type="button" onClick={() => onPick(d)}>
                  Use
                </button>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}

/** Devices that dialed in to a running driver and wait to be adopted. */
function PendingDevices({ kind, onAdopt }: { kind: string; onAdopt: (config: Record<string, unknown>) => void }) {
  const pending = useApi<PendingDeviceView[]>('api/onboarding/pending');
  const mine = (pending.data ?? []).filter((p) => p.kind === kind);
  return (
    <div class="discovery">
      <p>
        <strong>New meters dialed in:</strong> {pending.loading ? 'looking…' : mine.length === 0 ? 'none yet.' : ''}{' '}
        <button type="button" class="link" onClick={pending.reload}>
          refresh
        </button>
      </p>
      {pending.error && <p class="error">{pending.error}</p>}
      {mine.length > 0 && (
        <ul class="found">
          {mine.map((p) => (
            <li key={p.label}>
              <span>
                {p.label}
                {p.remote && <span class="muted"> from {p.remote}</span>}
              </span>
              <button type="button" onClick={() => onAdopt(p.config)}>
                Adopt
              </button>
            </li>
          ))}
        </ul>
      )}
      {mine.length > 0 && (
        <p class="muted small">Adopt fills in what the meter sent when it called; add the rest (a name, its keys), then save.</p>
      )}
    </div>
  );
}
