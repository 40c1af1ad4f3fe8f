import { useState } from 'preact/hooks';
import type { BrokerLoginView } from '../types.ts';
import { useApi } from '../useApi.ts';

/** The embedded broker's address and login, for Home Assistant's MQTT integration and IVY clients. */
export function BrokerLogin() {
  const login = useApi<BrokerLoginView>('api/broker/login');
  const [shown, setShown] = useState(false);
  if (login.error) return <p class="error">{login.error}</p>;
  const d = login.data;
  if (!d?.embedded) return null;
  return (
    <section class="notice" aria-labelledby="broker-login">
      <h2 id="broker-login">Connect to the embedded MQTT broker</h2>
      <p class="muted small">For Home Assistant's MQTT integration and other clients (IVY gateway clients, MQTT Explorer).</p>
      <table class="kv">
        <tbody>
          <tr>
            <th scope="row">Host</th>
            <td>{d.host}</td>
          </tr>
          <tr>
            <th scope="row">Port</th>
            <td>{d.port}</td>
          </tr>
          <tr>
            <th scope="row">WebSocket port</th>
            <td>{d.wsPort}</td>
          </tr>
          <tr>
            <th scope="row">Username</th>
            <td>
              <code>{d.username}</code>
            </td>
          </tr>
          <tr>
            <th scope="row">Password</th>
            <td>
              <code data-testid="broker-password">{shown ? d.password : '••••••••••••'}</code>{' '}
              <button type="button" class="link" aria-pressed={shown} onClick={() => setShown(!shown)}>
                {shown ? 'hide' : 'show'}
              </button>
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
