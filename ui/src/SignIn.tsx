/**
 * Standalone with WATTWIRE_HTTP_TOKEN: the page loads, its data needs the token. Asked for
 * once; the server keeps it in an HttpOnly cookie for the browser session.
 */
import { useState } from 'preact/hooks';
import { apiUrl, signInUrl } from './urls.ts';

/** Whether the API refuses this browser for want of the token. */
export async function needsToken(): Promise<boolean> {
  try {
    return (await fetch(apiUrl('api/health'))).status === 401;
  } catch {
    // Unreachable: the app shows its own connection errors.
    return false;
  }
}

export function SignIn() {
  const [token, setToken] = useState('');
  return (
    <main id="main">
      <section>
        <h1>Wattwire</h1>
        <p>
          This bridge needs its access token: the value of <code>WATTWIRE_HTTP_TOKEN</code> it was started with.
        </p>
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            location.assign(signInUrl(token.trim()));
          }}
        >
          <div class="field">
            <label for="token">Access token</label>
            <input
              id="token"
              type="password"
              autocomplete="current-password"
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
            />
          </div>
          <div class="actions">
            <button type="submit" disabled={!token.trim()}>
              Sign in
            </button>
          </div>
        </form>
      </section>
    </main>
  );
}
