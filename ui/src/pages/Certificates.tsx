import { useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { groupChars } from '../hexGroups.ts';
import type { CertInfo } from '../types.ts';
import { apiUrl } from '../urls.ts';
import { useApi } from '../useApi.ts';

export function Certificates() {
  const cert = useApi<CertInfo>('api/certs');
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);

  const generate = async () => {
    setConfirming(false);
    setBusy(true);
    try {
      await api('api/certs/generate', { method: 'POST', body: { confirm: cert.data?.present === true } });
      setMessage({ ok: true, text: 'A new key and certificate were generated.' });
      cert.reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Certificates</h1>
      <p class="muted">
        The Itron meter (IEEE 2030.5) accepts this bridge by its certificate. Register the LFDI below with your utility (Xcel Energy
        Launchpad); the private key never leaves the bridge.
      </p>
      {cert.error && (
        <p class="error" role="alert">
          {cert.error}
        </p>
      )}
      {message && (
        <p class={message.ok ? 'notice ok' : 'error'} role="status">
          {message.text}
        </p>
      )}
      {cert.data &&
        (cert.data.present ? (
          <CertDetails cert={cert.data} />
        ) : (
          <p class="notice">No certificate yet. Generate one, or import the one you already registered.</p>
        ))}
      <section aria-labelledby="gen">
        <h2 id="gen">Generate</h2>
        <p class="muted small">
          A new P-256 key and self-signed certificate. A new certificate has a new LFDI, which must be registered again.
        </p>
        <button
          type="button"
          class="primary"
          disabled={busy || cert.loading}
          onClick={() => (cert.data?.present ? setConfirming(true) : void generate())}
        >
          {busy ? 'Generating…' : cert.data?.present ? 'Generate a new certificate' : 'Generate certificate'}
        </button>
      </section>
      <ImportForm
        onDone={(text) => {
          setMessage({ ok: true, text });
          cert.reload();
        }}
      />
      {confirming && (
        <ConfirmDialog
          title="Replace the certificate?"
          confirmLabel="Replace"
          danger
          onConfirm={generate}
          onCancel={() => setConfirming(false)}
        >
          <p>
            The current certificate (LFDI {groupChars(cert.data?.present ? cert.data.lfdi : '').slice(0, 14)}…) is replaced. The meter
            refuses the bridge until the new LFDI is registered with the utility.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function CertDetails({ cert }: { cert: Extract<CertInfo, { present: true }> }) {
  const [copied, setCopied] = useState('');
  const { lfdi } = cert;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(lfdi);
      setCopied('Copied.');
    } catch {
      setCopied('Copying is not allowed here; select the LFDI and copy it.');
    }
  };
  return (
    <section aria-labelledby="current">
      <h2 id="current">Current certificate</h2>
      {cert.expiresSoon && (
        <p class="notice warn" role="alert">
          This certificate expires in {cert.daysLeft} days. Generate a new one and register its LFDI.
        </p>
      )}
      <div class="lfdi-box">
        <span class="label" id="lfdi-label">
          LFDI (register this with your utility)
        </span>
        <code class="lfdi" data-lfdi={lfdi} role="note" aria-labelledby="lfdi-label">
          {groupChars(lfdi, 4)}
        </code>
        <div class="actions">
          <button type="button" onClick={copy}>
            Copy LFDI
          </button>
          <span role="status" class="small muted">
            {copied}
          </span>
        </div>
      </div>
      <dl class="facts">
        <div>
          <dt>SFDI</dt>
          <dd>
            <code class="sfdi">{groupChars(String(cert.sfdi ?? ''), 3)}</code>
          </dd>
        </div>
        <div>
          <dt>Valid from</dt>
          <dd>{cert.notBefore ? new Date(cert.notBefore).toLocaleString() : '—'}</dd>
        </div>
        <div>
          <dt>Valid until</dt>
          <dd>
            {cert.notAfter ? new Date(cert.notAfter).toLocaleString() : '—'}
            {cert.daysLeft !== undefined && ` (${cert.daysLeft} days left)`}
          </dd>
        </div>
        {cert.subject && (
          <div>
            <dt>Subject</dt>
            <dd>
              <code>{cert.subject}</code>
            </dd>
          </div>
        )}
        {cert.fingerprint && (
          <div>
            <dt>SHA-256 fingerprint</dt>
            <dd>
              <code class="wrap">{cert.fingerprint}</code>
            </dd>
          </div>
        )}
      </dl>
      <a class="button" href={apiUrl('api/certs/cert.pem')} download>
        Download the certificate (PEM)
      </a>
    </section>
  );
}

function ImportForm({ onDone }: { onDone: (text: string) => void }) {
  const [mode, setMode] = useState<'paste' | 'paths'>('paste');
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('api/certs/import', {
        method: 'POST',
        body: mode === 'paste' ? { certPem: a, keyPem: b } : { certPath: a.trim(), keyPath: b.trim() },
      });
      setA('');
      setB('');
      onDone('The certificate and key were imported.');
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section aria-labelledby="imp">
      <h2 id="imp">Import</h2>
      <div role="radiogroup" aria-label="Import from" class="segmented">
        <label>
          <input type="radio" name="import-mode" checked={mode === 'paste'} onChange={() => setMode('paste')} /> Paste PEM
        </label>
        <label>
          <input type="radio" name="import-mode" checked={mode === 'paths'} onChange={() => setMode('paths')} /> Files on the bridge
        </label>
      </div>
      <form class="form" onSubmit={submit}>
        {mode === 'paste' ? (
          <>
            <div class="field">
              <label for="cert-pem">Certificate (PEM)</label>
              <textarea
                id="cert-pem"
                rows={5}
                value={a}
                onInput={(e) => setA(e.currentTarget.value)}
                placeholder="-----BEGIN CERTIFICATE-----"
                spellcheck={false}
              />
            </div>
            <div class="field">
              <label for="key-pem">Private key (PEM)</label>
              <textarea
                id="key-pem"
                rows={5}
                value={b}
                onInput={(e) => setB(e.currentTarget.value)}
                placeholder="-----BEGIN PRIVATE KEY-----"
                spellcheck={false}
                autocomplete="off"
              />
            </div>
          </>
        ) : (
          <>
            <div class="field">
              <label for="cert-path">Certificate file</label>
              <input
                id="cert-path"
                type="text"
                value={a}
                onInput={(e) => setA(e.currentTarget.value)}
                placeholder="/share/wattwire/cert.pem"
              />
            </div>
            <div class="field">
              <label for="key-path">Key file</label>
              <input
                id="key-path"
                type="text"
                value={b}
                onInput={(e) => setB(e.currentTarget.value)}
                placeholder="/share/wattwire/key.pem"
              />
            </div>
          </>
        )}
        <div class="actions">
          <button type="submit" disabled={!a.trim() || !b.trim()}>
            Import
          </button>
        </div>
        {error && (
          <p class="error" role="alert">
            Not imported: {error}
          </p>
        )}
      </form>
    </section>
  );
}
