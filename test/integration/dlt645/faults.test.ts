import { afterEach, describe, expect, it } from 'vitest';
import { startDlt645Sim, type Dlt645Sim } from '../../../server/sim/dlt645/tcpSim.ts';
import { waitFor } from '../../support/ports.ts';
import { eventsOf, startBridge, type Bridge } from './harness.ts';

let bridge: Bridge | undefined;
let sim: Dlt645Sim | undefined;

afterEach(async () => {
  await sim?.stop();
  await bridge?.stop();
  sim = undefined;
  bridge = undefined;
});

const status = (b: Bridge, id: string) => b.hub.get(id)?.status;
const diag = (b: Bridge, id: string) => b.hub.get(id)!.diagnostics;

async function setUp(address: string, extra: Parameters<typeof startDlt645Sim>[0] extends infer O ? Partial<O> : never = {}) {
  bridge = await startBridge();
  sim = startDlt645Sim({ port: bridge.port, addresses: [address], silentShare: 0, heartbeatMs: 0, reconnectMs: 300, ...extra });
  const b = bridge;
  await waitFor(() => status(b, address)?.availability === 'online', { what: `${address} online` });
  return { b, s: sim };
}

describe('DL/T 645 faults', () => {
  it('goes offline with a reason when the DTU drops, and online again when it dials back in', async () => {
    const { b, s } = await setUp('000000000101');
    s.drop('000000000101', 500);
    await waitFor(() => status(b, '000000000101')?.availability === 'offline', { what: 'offline' });
    // A reset or an orderly close, depending on what was in flight.
    expect(status(b, '000000000101')?.reason).toMatch(/^connection (closed|error: .*ECONNRESET)/);
    expect(eventsOf(b, '000000000101', 'meter_disconnected')).toEqual([expect.objectContaining({ type: 'warning' })]);
    await waitFor(() => status(b, '000000000101')?.availability === 'online', { what: 'back online' });
    expect(eventsOf(b, '000000000101', 'meter_connected')).toHaveLength(2);
    const [reading] = await b.hub.read('000000000101', ['voltageA']);
    expect(typeof reading!.value).toBe('number');
  });

  it('survives garbage on the line and counts it', async () => {
    const { b, s } = await setUp('000000000102');
    for (let i = 0; i < 5; i++) s.garbage('000000000102');
    s.garbage('000000000102', Buffer.from([0x68, 0x01, 0x02, 0x68, 0x68, 0x68, 0x68, 0x68, 0x68, 0x68, 0x91, 0xff]));
    await waitFor(() => (b.driver.diagnostics?.().garbageBytes as number) > 0, { what: 'garbage counted' });
    const [reading] = await b.hub.read('000000000102', ['frequency']);
    expect(reading!.value).toBeGreaterThan(49);
    expect(status(b, '000000000102')?.availability).toBe('online');
  });

  it('turns error replies into a refusal without a value, with the error meaning in diagnostics', async () => {
    const { b, s } = await setUp('000000000103');
    s.errors('000000000103', 0x04);
    const [reading] = await b.hub.read('000000000103', ['voltageA']);
    expect(reading).toMatchObject({ value: null, error: 'the meter refused voltageA (02010100): password error or unauthorised' });
    expect(b.hub.get('000000000103')?.state.voltageA).toBeNull();
    expect(diag(b, '000000000103')).toMatchObject({
      lastErrorReply: { register: 'voltageA', di: '02010100', errorWord: 4, meaning: 'password error or unauthorised' },
    });
    s.errors('000000000103', undefined);
    const [again] = await b.hub.read('000000000103', ['voltageA']);
    expect(typeof again!.value).toBe('number');
  });

  it('skips registers (and block DIs) the meter does not have after its first "no requested data"', async () => {
    const { b } = await setUp('000000000104', { threePhaseShare: 0 });
    await waitFor(() => (diag(b, '000000000104').polls as number) >= 2, { what: 'two polls' });
    const d = diag(b, '000000000104');
    expect(Object.keys(d.unsupported as object).sort()).toEqual([
      '0201FF00',
      '0202FF00',
      'activePowerB',
      'activePowerC',
      'currentB',
      'currentC',
      'powerFactorB',
      'powerFactorC',
      'voltageB',
      'voltageC',
    ]);
    expect(d.errorReplies).toBe(10);
    expect(b.hub.get('000000000104')!.state.voltageA).toBeGreaterThan(200);
    expect(b.hub.get('000000000104')!.state.voltageB).toBeNull();
  });

  it('goes offline after repeated timeouts, ignores late answers to other DIs, and recovers', async () => {
    const { b, s } = await setUp('000000000105');
    // Answers arrive after the request and its retry timed out (1 s each): stale echoes of an earlier DI.
    s.slow('000000000105', 2500);
    await waitFor(() => status(b, '000000000105')?.availability === 'offline', { what: 'offline after timeouts', timeoutMs: 15_000 });
    expect(status(b, '000000000105')?.reason).toMatch(/no answer to 3 requests/);
    expect(diag(b, '000000000105').timeouts).toBeGreaterThanOrEqual(3);
    s.slow('000000000105', 0);
    await waitFor(() => status(b, '000000000105')?.availability === 'online', { what: 'online again', timeoutMs: 15_000 });
    expect(b.driver.diagnostics?.().timeouts as number).toBeGreaterThanOrEqual(3);
    expect(diag(b, '000000000105').wrongDi).toBeGreaterThan(0);
  });
});
