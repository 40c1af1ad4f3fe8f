/**
 * Meters that serve their energy only at the combined DI 00000000, as the IVY gateway's
 * meter simulator does (issue 15 item 4): over the real dial-in listener.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDlt645Sim, type Dlt645Sim } from '../../../server/sim/dlt645/tcpSim.ts';
import { waitFor } from '../../support/ports.ts';
import { eventsOf, startBridge, type Bridge } from './harness.ts';

const ADDRESS = '000000000071';

let bridge: Bridge | undefined;
let sim: Dlt645Sim | undefined;
afterEach(async () => {
  await sim?.stop();
  await bridge?.stop();
  sim = undefined;
  bridge = undefined;
});

async function dialIn(modeWord?: number): Promise<{ b: Bridge; s: Dlt645Sim }> {
  const b = await startBridge();
  bridge = b;
  const s = startDlt645Sim({
    port: b.port,
    addresses: [ADDRESS],
    silentShare: 0,
    registrationShare: 0,
    threePhaseShare: 0,
    solarShare: 0,
    heartbeatMs: 0,
    energyDis: 'combined-only',
    modeWord,
  });
  sim = s;
  await waitFor(() => typeof b.hub.get(ADDRESS)?.state.voltageA === 'number', { what: 'a first poll' });
  return { b, s };
}

describe('DL/T 645 import energy from 00000000', () => {
  it('publishes the combined counter as the import energy when the meter has no 00010000 and no mode word, and still refuses regressions', async () => {
    const { b, s } = await dialIn();
    s.setValue(ADDRESS, '00000000', 4321.5);
    await waitFor(() => b.hub.get(ADDRESS)?.state.totalActiveEnergy === 4321.5, { what: 'import energy from 00000000' });
    expect(b.hub.get(ADDRESS)?.diagnostics).toMatchObject({
      importEnergyFrom: '00000000',
      combinedImport: expect.stringMatching(/mode word refused \(no requested data\)/),
    });
    // Another meter firmware behind the DTU, a read of another DI: either way the entity must not go back.
    s.setValue(ADDRESS, '00000000', 4000);
    await waitFor(() => eventsOf(b, ADDRESS, 'counter_regression').length > 0, { what: 'the regression refused' });
    expect(b.hub.get(ADDRESS)?.state.totalActiveEnergy).toBe(4321.5);
    s.setValue(ADDRESS, '00000000', 4322);
    await waitFor(() => b.hub.get(ADDRESS)?.state.totalActiveEnergy === 4322, { what: 'the counter rising again' });
  });

  it('uses 00000000 when the mode word counts the forward energy alone', async () => {
    const { b, s } = await dialIn(0x01);
    s.setValue(ADDRESS, '00000000', 1500.25);
    await waitFor(() => b.hub.get(ADDRESS)?.state.totalActiveEnergy === 1500.25, { what: 'import energy from 00000000' });
    expect(b.hub.get(ADDRESS)?.diagnostics).toMatchObject({ combinedImport: expect.stringMatching(/0x01 \(\+ forward\)/) });
  });

  it('publishes no import energy when the mode word adds the export too', async () => {
    const { b } = await dialIn(0x05);
    await waitFor(() => typeof b.hub.get(ADDRESS)?.diagnostics?.combinedImport === 'string', { what: 'the decision' });
    const rec = b.hub.get(ADDRESS);
    expect(rec?.diagnostics).toMatchObject({
      importEnergyFrom: '00010000',
      combinedImport: expect.stringMatching(/0x05 \(\+ forward \+ reverse\): 00000000 is not the import energy alone/),
    });
    expect(rec?.state.totalActiveEnergy ?? null).toBeNull();
  });
});
