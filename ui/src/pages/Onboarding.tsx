import { useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { KINDS, initialValues, toConfig, type Field, type FormValues, type KindSpec } from '../onboardingKinds.ts';
import { href } from '../route.ts';
import { useApi } from '../useApi.ts';

interface TestResult {
  ok: boolean;
  message: string;
  details?: Record<string, unknown>;
}

interface SerialPortInfo {
  path: string;
  byId?: boolean;
  target?: string;
  manufacturer?: string;
}

interface MdnsService {
  name: string;
  host: string;
  port: number;
  lfdi?: string;
}

interface PendingMeter {
  kind: string;
  label: string;
  remote?: string;
  config: Record<string, unknown>;
}

export function Onboarding() {
  const [spec, setSpec] = useState<KindSpec>();
  return (
    <>
      <h1>Add a device</h1>
      <ol class="steps" aria-label="Steps">
        <li class={spec ? 'done' : 'current'}>Kind</li>
        <li class={spec ? 'current' : ''}>Find, test and save</li>
      </ol>
      {!spec ? (
        <fieldset class="kinds">
          <legend>What kind of device?</legend>
          {KINDS.map((k) => (
            <button type="button" key={k.kind} class="kind" data-kind={k.kind} onClick={() => setSpec(k)}>
              <strong>{k.title}</strong>
              <span class="muted small">{k.blurb}</span>
            </button>
          ))}
        </fieldset>
      ) : (
        <DeviceForm key={spec.kind} spec={spec} onBack={() => setSpec(undefined)} />
      )}
    </>
  );
}

function DeviceForm({ spec, onBack }: { spec: KindSpec; onBack: () => void }) {
  const [values, setValues] = useState<FormValues>(() => initialValues(spec));
  const [test, setTest] = useState<TestResult | 'running'>();
  const [saved, setSaved] = useState<string>();
  const [saveError, setSaveError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (patch: FormValues) => {
    setValues((v) => ({ ...v, ...patch }));
    setTest(undefined);
    setSaveError(undefined);
  };
  const config = toConfig(spec, values);
  const missing = spec.fields.filter((f) => f.required && config[f.key] === undefined).map((f) => f.label);

  const runTest = async () => {
    setTest('running');
    try {
      setTest(await api<TestResult>('api/onboarding/test', { method: 'POST', body: { kind: spec.kind, config } }));
    } catch (err) {
      setTest({ ok: false, message: errorText(err) });
    }
  };
  const save = async () => {
    setBusy(true);
    setSaveError(undefined);
    try {
      await api('api/onboarding/save', { method: 'POST', body: { kind: spec.kind, config } });
      setSaved(String(config.name ?? config.host ?? config.address ?? config.serial_port ?? spec.title));
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
      <h2 id="kind-title">{spec.title}</h2>
      <p class="muted">{spec.blurb}</p>
      {spec.discovery.includes('mdns') && (
        <MdnsScan onPick={(s) => set({ host: s.host, port: String(s.port), ...(s.lfdi ? { lfdi: s.lfdi } : {}) })} />
      )}
      {spec.discovery.includes('pending') && (
        <PendingMeters kind={spec.kind} onAdopt={(c) => set(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)])))} />
      )}
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void runTest();
        }}
      >
        {spec.fields.map((f) => (
          <FieldInput key={f.key} field={f} value={values[f.key]} onChange={(v) => set({ [f.key]: v })} />
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

function FieldInput({ field: f, value, onChange }: { field: Field; value: string | boolean; onChange: (v: string | boolean) => void }) {
  const id = `f-${f.key}`;
  const help = f.help ? `${id}-help` : undefined;
  if (f.type === 'checkbox') {
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
      {f.type === 'select' ? (
        <select id={id} name={f.key} value={text} onChange={(e) => onChange(e.currentTarget.value)}>
          {(f.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o === '' ? 'default' : o}
            </option>
          ))}
        </select>
      ) : f.type === 'serial' ? (
        <SerialInput id={id} value={text} onChange={onChange} />
      ) : (
        <input
          id={id}
          name={f.key}
          type={f.type === 'password' ? 'password' : f.type === 'number' ? 'number' : 'text'}
          value={text}
          required={f.required}
          placeholder={f.placeholder}
          autocomplete={f.type === 'password' ? 'new-password' : 'off'}
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
  const ports = useApi<SerialPortInfo[]>('api/onboarding/serial-ports');
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

function MdnsScan({ onPick }: { onPick: (s: MdnsService) => void }) {
  const [state, setState] = useState<MdnsService[] | 'scanning' | string>();
  const scan = async () => {
    setState('scanning');
    try {
      setState(await api<MdnsService[]>('api/onboarding/mdns?seconds=3'));
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
          <p class="muted">No meter answered. Check that the meter has joined the network, or enter its address.</p>
        ) : (
          <ul class="found">
            {state.map((s) => (
              <li key={`${s.host}:${s.port}`}>
                <span>
                  {s.name} · {s.host}:{s.port}
                  {s.lfdi && <span class="muted"> · LFDI {s.lfdi.slice(0, 8)}…</span>}
                </span>
                <button type="button" onClick={() => onPick(s)}>
                  Use
                </button>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}

function PendingMeters({ kind, onAdopt }: { kind: string; onAdopt: (config: Record<string, unknown>) => void }) {
  const pending = useApi<PendingMeter[]>('api/onboarding/pending');
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
      {mine.length > 0 && kind === 'dlms' && (
        <p class="muted small">Adopt fills in the meter's system title; enter its keys from the grid operator, then save.</p>
      )}
    </div>
  );
}
