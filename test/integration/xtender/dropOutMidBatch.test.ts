/**
 * A device dropping out while another's batch is being read: the gateway answers the rest of
 * that batch with in-range nonsense (daily counters 37 times too large). None of it may be
 * published, or the true counter would afterwards be refused as a regression all day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/ports.ts';
import { simDeviceId, startRig, type Rig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe('xtender drop-out in the middle of a batch', () => {
  it('publishes none of the batch the stale gateway corrupted; the counters carry on from their true values', async () => {
    rig = await startRig({ devices: 'xt:2' });
    const r = rig;
    const [xt1, xt2] = [101, 102].map((a) => simDeviceId(r, a));
    await waitFor(() => typeof r.hub.get(xt1!)?.state.energy_consumers_today === 'number', { what: 'first slow batch' });
    const published: { key: string; value: unknown }[] = [];
    r.hub.on('readings', (rec, readings) => {
      if (rec.info.id === xt1) for (const p of readings) published.push({ key: p.register.key, value: p.value });
    });

    // 3081 comes before 3083 and 3078 in the slow batch: the drop-out lands between them.
    const handle = r.sim.gateway.handle.bind(r.sim.gateway);
    let dropped = false;
    r.sim.gateway.handle = (req) => {
      if (!dropped && req.dst === 101 && req.objectType === 1 && req.objectId === 3081) {
        dropped = true;
        const answer = handle(req);
        r.sim.gateway.dropOut(102);
        return answer;
      }
      return handle(req);
    };
    await waitFor(() => r.hub.get(xt2!)?.status.reason?.startsWith('not found on the bus'), {
      what: 'link re-initialised without the dropped device',
    });
    const reinitAt = Date.now();
    await waitFor(
      () => r.hub.get(xt1!)?.status.availability === 'online' && (r.hub.get(xt1!)?.updated.energy_consumers_today ?? 0) > reinitAt,
      {
        what: 'the counters of the other device published again',
      },
    );

    expect(r.sim.gateway.nonsense.some((n) => n.address === 101 && n.objectId === 3083)).toBe(true);
    // Published values are rounded to 2 decimals, and rounding keeps the order.
    const truth = (objectId: number) => Number(Math.fround(r.sim.gateway.infoNow(101, objectId)!).toFixed(2));
    for (const [key, objectId] of [
      ['energy_consumers_today', 3083],
      ['battery_discharge_today', 3078],
    ] as const) {
      const values = published.filter((p) => p.key === key).map((p) => p.value as number);
      expect(Math.max(...values), key).toBeLessThanOrEqual(truth(objectId));
    }
  });
});
