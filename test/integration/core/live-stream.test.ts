/** The live stream over a real socket: a snapshot first, then readings and status as they happen. */
import { describe, expect, it } from 'vitest';
import { Hub } from '../../../server/core/hub.ts';
import { createWebServer } from '../../../server/web/server.ts';
import { waitFor } from '../../support/ports.ts';
import { testWebContext } from '../../support/webContext.ts';

describe('live stream', () => {
  it('pushes a snapshot, then readings and status changes', async () => {
    const hub = new Hub();
    const handle = hub.addDevice({ id: 'm1', kind: 'test', name: 'M1' }, [
      { key: 'power', name: 'Power', unit: 'W', deviceClass: 'power', stateClass: 'measurement' },
    ]);
    const app = await createWebServer(testWebContext(hub, { removeDevice: async () => false }), {
      ingressOnly: false,
      uiDir: '/nonexistent',
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/stream`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    let text = '';
    const reader = res.body!.getReader();
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += Buffer.from(value!).toString();
      }
    })();
    await waitFor(() => text.includes('event: snapshot'), { what: 'snapshot' });
    handle.publish([{ key: 'power', value: 1500 }]);
    handle.setStatus('online');
    await waitFor(() => text.includes('event: readings') && text.includes('event: status'), { what: 'live events' });
    expect(text).toContain('"values":{"power":1500}');
    expect(text).toMatch(/event: status\ndata: \{"id":"m1","availability":"online"/);
    abort.abort();
    await pump;
    await app.close();
  });
});
