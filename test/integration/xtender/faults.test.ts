/** The seed's drop-out fault and a serial adapter that vanishes and comes back, over a real PTY. */
import { afterEach, describe, expect, it } from 'vitest';
import { FAMILY_REGISTERS } from '../../../server/drivers/xtender/registers.ts';
import { waitFor } from '../../support/ports.ts';
import { simDeviceId, startRig, type Rig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const linkDiag = (r: Rig) => (r.driver.diagnostics!().links as Record<string, unknown>[])[0];

describe('xtender faults', () => {
  it('a device dropping out: it goes offline, nonsense from the others is never published, the link is re-initialised', async () => {
    rig = await startRig({ devices: 'xt:3' });
    const r = rig;
    const [xt1, xt2, xt3] = [101, 102, 103].map((a) => simDeviceId(r, a));
    await waitFor(() => [xt1, xt2, xt3].every((id) => typeof r.hub.get(id!)?.state.output_current === 'number'), { what: 'all polled' });

    const published: { id: string; key: string; value: unknown }[] = [];
    r.hub.on('readings', (rec, readings) => {
      for (const p of readings) published.push({ id: rec.info.id, key: p.register.key, value: p.value });
    });
    r.sim.gateway.dropOut(102);

    await waitFor(() => r.hub.get(xt2!)?.status.availability === 'offline', { what: 'dropped device offline' });
    await waitFor(() => (linkDiag(r)!.reinits as number) >= 1 && !r.sim.gateway.isStale, { what: 'link re-initialised' });
    await waitFor(() => r.hub.get(xt2!)?.status.reason?.startsWith('not found on the bus'), { what: 'rescan without the dropped device' });
    const after = published.length;
    await waitFor(() => [xt1, xt3].every((id) => r.hub.get(id!)?.status.availability === 'online') && published.length > after + 4, {
      what: 'others back with fresh readings',
    });

    expect(r.sim.gateway.nonsense.length).toBeGreaterThan(0);
    const keyOf = (objectId: number) => FAMILY_REGISTERS.xtender.find((x) => x.objectType === 'info' && x.objectId === objectId)?.key;
    const leaked = r.sim.gateway.nonsense.filter((n) =>
      published.some((p) => p.id === simDeviceId(r, n.address) && p.key === keyOf(n.objectId) && p.value === n.value),
    );
    expect(leaked).toEqual([]);
    expect(r.events.some((e) => e.event.event === 'implausible_value' && (e.id === xt1 || e.id === xt3))).toBe(true);
    expect(published.filter((p) => p.id === xt2)).toEqual([]);
    for (const p of published) {
      const reg = FAMILY_REGISTERS.xtender.find((x) => x.key === p.key);
      if (reg?.bounds && typeof p.value === 'number') {
        expect(p.value).toBeGreaterThanOrEqual(reg.bounds.min);
        expect(p.value).toBeLessThanOrEqual(reg.bounds.max);
      }
    }
  });

  it('one device answering an implausible value for good: one event, re-inits backed off, the other device keeps publishing', async () => {
    rig = await startRig({ devices: 'xt:2' });
    const r = rig;
    const [xt1, xt2] = [101, 102].map((a) => simDeviceId(r, a));
    await waitFor(() => [xt1, xt2].every((id) => r.hub.get(id!)?.status.availability === 'online'), { what: 'both online' });
    let batchesOfXt2 = 0;
    r.hub.on('readings', (rec, readings) => {
      if (rec.info.id === xt2 && readings.some((p) => p.register.key === 'battery_voltage')) batchesOfXt2++;
    });
    // A battery voltage far out of range, on the device polled first.
    r.sim.gateway.pinInfo(101, 3000, 400);

    await waitFor(() => batchesOfXt2 >= 8, { what: 'eight slow batches from the healthy device', timeoutMs: 60_000 }).catch(
      (err: Error) => {
        throw new Error(
          `${err.message}; ${batchesOfXt2} batches; link ${JSON.stringify(linkDiag(r))}; ${JSON.stringify(r.hub.get(xt2!)?.status)}`,
        );
      },
    );
    expect(r.hub.get(xt1!)?.status.availability).toBe('fault');
    expect(r.hub.get(xt1!)?.status.reason).toMatch(/implausible value: Battery voltage 400 V is outside 0\.\.80/);
    expect(r.hub.get(xt1!)?.state.battery_voltage).not.toBe(400);
    expect(r.events.filter((e) => e.event.event === 'implausible_value')).toHaveLength(1);
    // Backoff from 5 s doubling: eight batches a second or more apart leave room for three re-inits at most.
    expect(linkDiag(r)!.reinits as number).toBeLessThanOrEqual(3);
    expect(linkDiag(r)!.faultEpisodes).toEqual([expect.objectContaining({ device: xt1 })]);

    r.sim.gateway.pinInfo(101, 3000, undefined);
    const healedAt = Date.now();
    await waitFor(() => r.hub.get(xt1!)?.status.availability === 'online' && (r.hub.get(xt1!)?.updated.battery_voltage ?? 0) > healedAt, {
      what: 'the healed device publishing again',
      timeoutMs: 20_000,
    });
    expect(linkDiag(r)!.faultEpisodes).toEqual([]);
  }, 90_000);

  it('reopens the port when the PTY is removed and re-created mid-run', async () => {
    rig = await startRig({ devices: 'xt:1', link: { timeout_ms: 300, retries: 0 } });
    const r = rig;
    const id = simDeviceId(r, 101);
    await waitFor(() => r.hub.get(id)?.status.availability === 'online', { what: 'online' });
    const opensBefore = (linkDiag(r)!.link as { opens: number }).opens;

    await r.pty.close();
    await waitFor(() => r.hub.get(id)?.status.availability === 'offline', { what: 'offline after unplug' });
    expect(r.hub.get(id)!.status.reason).toMatch(/not answering|link down/);

    await r.pty.reopen();
    const reopenedAt = Date.now();
    await waitFor(() => r.hub.get(id)?.status.availability === 'online' && (r.hub.get(id)?.updated.output_current ?? 0) > reopenedAt, {
      what: 'online again with fresh readings',
      timeoutMs: 20_000,
    }).catch((err: Error) => {
      throw new Error(`${err.message}; status ${JSON.stringify(r.hub.get(id)?.status)}; link ${JSON.stringify(linkDiag(r))}`);
    });
    expect((linkDiag(r)!.link as { opens: number }).opens).toBeGreaterThan(opensBefore);
  });

  it('after a long unplug, is back within a few seconds of the adapter returning, and says the port is gone meanwhile', async () => {
    rig = await startRig({ devices: 'xt:1', link: { timeout_ms: 300, retries: 0 } });
    const r = rig;
    const id = simDeviceId(r, 101);
    await waitFor(() => r.hub.get(id)?.status.availability === 'online', { what: 'online' });

    await r.pty.close();
    await waitFor(() => r.hub.get(id)?.status.reason?.includes('is not there (adapter unplugged?)'), {
      what: 'reason names the missing port',
    });
    expect(linkDiag(r)!.waitingForPort).toBe(true);
    // Long enough that exponential backoff from 0.5 s would have grown past 8 s by now.
    await new Promise((resolve) => setTimeout(resolve, 9000));

    await r.pty.reopen();
    await waitFor(() => r.hub.get(id)?.status.availability === 'online', { what: 'online soon after the port returns', timeoutMs: 5000 });
    expect(linkDiag(r)!.waitingForPort).toBe(false);
  }, 30_000);
});

describe('xtender messages', () => {
  it('reads a pending message from the gateway and raises it on the device that emitted it', async () => {
    rig = await startRig({ devices: 'xt:2' });
    const r = rig;
    const xt2 = simDeviceId(r, 102);
    await waitFor(() => r.hub.get(xt2)?.status.availability === 'online', { what: 'online' });
    r.sim.gateway.raiseMessage(16, 102);
    const found = await waitFor(() => r.events.find((e) => e.event.event === 'device_message'), { what: 'message event' });
    expect(found.id).toBe(xt2);
    expect(found.event).toMatchObject({ type: 'warning', message: 'Warning: fan error detected', data: { code: 16, source: 102 } });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(r.events.filter((e) => e.event.event === 'device_message')).toHaveLength(1);
  });
});

describe('xtender rescan', () => {
  it('finds a dropped device again at the next scan once it is back on the bus', async () => {
    rig = await startRig({ devices: 'xt:2', link: { rescan_interval: 10 } });
    const r = rig;
    const xt2 = simDeviceId(r, 102);
    await waitFor(() => r.hub.get(xt2)?.status.availability === 'online', { what: 'online' });
    r.sim.gateway.dropOut(102);
    await waitFor(() => r.hub.get(xt2)?.status.reason?.startsWith('not found on the bus'), { what: 'lost after re-initialisation' });
    r.sim.gateway.restore(102);
    const restoredAt = Date.now();
    await waitFor(() => r.hub.get(xt2)?.status.availability === 'online' && (r.hub.get(xt2)?.updated.output_current ?? 0) > restoredAt, {
      what: 'back online after the rescan',
      timeoutMs: 20_000,
    });
  });
});
