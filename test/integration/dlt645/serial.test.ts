import { afterEach, describe, expect, it } from 'vitest';
import { startDlt645SerialSim, type Dlt645SerialSim } from '../../../server/sim/dlt645/serialSim.ts';
import { PtyPair } from '../../support/pty.ts';
import { waitFor } from '../../support/ports.ts';
import { startBridge, type Bridge } from './harness.ts';

let bridge: Bridge | undefined;
let sim: Dlt645SerialSim | undefined;
let pty: PtyPair | undefined;

afterEach(async () => {
  await bridge?.stop();
  await sim?.stop();
  await pty?.close();
  bridge = sim = pty = undefined;
});

const A = '000000000201';
const B = '000000000202';

describe('DL/T 645 over RS-485 (PTY pair)', () => {
  it('polls two meters sharing one port and follows the port going away and back', async () => {
    pty = await PtyPair.open();
    sim = await startDlt645SerialSim(pty.b, [A, B]);
    sim.meters.get(B)!.household.overrides.set('02800002', 49.98);
    bridge = await startBridge({ listen: false }, [
      { address: A, serial_port: pty.a },
      { address: B, serial_port: pty.a, name: 'Heat pump' },
    ]);
    const b = bridge;
    const online = (id: string) => b.hub.get(id)?.status.availability === 'online';
    await waitFor(() => online(A) && online(B), { what: 'both meters online' });
    await waitFor(() => b.hub.get(B)?.state.frequency === 49.98, { what: 'values of B' });
    expect(b.hub.get(A)!.state.voltageC).toBeGreaterThan(220);
    expect(b.hub.get(B)!.info.name).toBe('Heat pump');
    expect(b.driver.diagnostics?.()).toMatchObject({ listening: false, serialPorts: [{ path: pty.a, open: true }] });

    await sim.stop();
    await pty.close();
    await waitFor(() => !online(A) && !online(B), { what: 'offline when the port is gone' });
    expect(b.hub.get(A)!.status.reason).toBe(`${pty.a}: the port is not there (adapter unplugged?)`);
    expect(b.driver.diagnostics?.()).toMatchObject({ serialPorts: [{ path: pty.a, open: false, waitingForPort: true }] });
    // Long enough that a backoff from 1 s would have grown to 8 s between attempts.
    await new Promise((resolve) => setTimeout(resolve, 8000));

    await pty.reopen();
    sim = await startDlt645SerialSim(pty.b, [A, B]);
    await waitFor(() => online(A) && online(B), { what: 'online soon after the port came back', timeoutMs: 5000 });
    expect(b.driver.diagnostics?.()).toMatchObject({ serialPorts: [{ path: pty.a, open: true, waitingForPort: false }] });
  }, 30_000);
});
