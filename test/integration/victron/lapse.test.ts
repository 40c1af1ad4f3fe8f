/**
 * A keep-alive lapse is decided from what proves the GX alive (heartbeat, or on dbus-mqtt the
 * serial read after each keep-alive), not from empty payloads (issue 15 item 10).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../../server/core/hub.ts';
import { waitFor } from '../../support/ports.ts';
import { GX_ID, startRig, type Rig } from './harness.ts';

const SOC = 'system/0/Dc/Battery/Soc';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

function gxEvents(r: Rig): DeviceEvent[] {
  const events: DeviceEvent[] = [];
  r.hub.on('event', (rec, event) => {
    if (rec.info.id === GX_ID) events.push(event);
  });
  return events;
}

describe('Victron keep-alive lapses on dbus-mqtt', () => {
  it('takes a covered topic expiring for that value gone: the entity is null, the GX stays online, no lapse', async () => {
    // No drift: nothing but the keep-alive's own answers would bring the value back.
    rig = await startRig({ generation: 'dbus-mqtt', changeMs: 0 });
    const r = rig;
    const events = gxEvents(r);
    await r.until(GX_ID, 'system_battery_soc', (v) => typeof v === 'number');
    // The topic list in force (its full publish done), so no later keep-alive republishes the value.
    await waitFor(() => r.diag().selectiveKeepalive === true && r.sim.stats.fullPublishes >= 2, { what: 'the topic list in force' });

    r.sim.expireTopic(SOC);
    await r.until(GX_ID, 'system_battery_soc', (v) => v === null);
    // Several keep-alives (each with its serial read) later, nothing lapsed.
    const sent = r.diag().keepalivesSent;
    const serialBefore = r.diag().lastSerial;
    await waitFor(() => r.diag().keepalivesSent >= sent + 4, { what: 'four more keep-alives' });
    // The serial reads after them were answered.
    expect(r.diag().lastSerial).not.toBe(serialBefore);

    expect(events.filter((e) => e.event === 'keepalive_lapsed')).toEqual([]);
    expect(r.diag()).toMatchObject({ lapses: 0, keepaliveLapsed: false });
    expect(r.hub.get(GX_ID)?.status.availability).toBe('online');
    expect(r.hub.get(GX_ID)?.state.system_battery_soc).toBeNull();
  });

  it('detects a GX that stops answering keep-alives from the unanswered serial read, and recovers', async () => {
    rig = await startRig({ generation: 'dbus-mqtt' });
    const r = rig;
    const events = gxEvents(r);
    await r.until(GX_ID, 'system_battery_soc', (v) => typeof v === 'number');
    await waitFor(() => r.diag().generation === 'dbus-mqtt' && r.diag().lastSerial !== null, { what: 'a serial read answered' });

    r.sim.loseKeepalives(600_000);
    const lapse = await waitFor(() => events.find((e) => e.event === 'keepalive_lapsed'), { what: 'the lapse' });
    expect(lapse.message).toMatch(/serial read after a keep-alive unanswered/);
    expect(r.hub.get(GX_ID)?.status.availability).toBe('offline');

    r.sim.hearKeepalives();
    await waitFor(() => events.some((e) => e.event === 'keepalive_recovered'), { what: 'the recovery' });
    await waitFor(() => r.hub.get(GX_ID)?.status.availability === 'online', { what: 'the GX online again' });
  });
});
