/**
 * The GX simulator itself behaves as the protocol reference describes (victron-venus-mqtt.md §3),
 * checked with a plain MQTT client so the driver is not involved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GxSimulator } from '../../../server/sim/victron/gx.ts';
import { MqttProbe } from '../../support/mqttProbe.ts';
import { waitFor } from '../../support/ports.ts';

const ID = 'c0619ab12345';

describe('Victron GX simulator', () => {
  let sim: GxSimulator | undefined;
  let probe: MqttProbe | undefined;
  afterEach(async () => {
    await probe?.client.endAsync(true);
    await sim?.stop();
    probe = sim = undefined;
  });

  it('flashmq: full republish with echo, suppress-republish, heartbeat, timeout', async () => {
    sim = await GxSimulator.start({ generation: 'flashmq', keepaliveTimeoutMs: 800, heartbeatMs: 100, changeMs: 0 });
    probe = await MqttProbe.connect(sim.url, `N/${ID}/#`);
    const serial = await probe.waitFor(`N/${ID}/system/0/Serial`);
    expect(serial.retain).toBe(true);
    expect(probe.on(`N/${ID}/system/0/Dc/Battery/Soc`)).toHaveLength(0);

    probe.client.publish(`R/${ID}/keepalive`, JSON.stringify({ 'keepalive-options': [{ 'full-publish-completed-echo': 'tok-1' }] }));
    const done = await probe.waitFor(`N/${ID}/full_publish_completed`);
    expect(JSON.parse(done.payload)['full-publish-completed-echo']).toBe('tok-1');
    const soc = probe.last(`N/${ID}/system/0/Dc/Battery/Soc`)!;
    expect(soc.retain).toBe(false);
    expect(JSON.parse(probe.last(`N/${ID}/settings/0/Settings/CGwacs/AcPowerSetPoint`)!.payload)).toEqual({
      max: 1000000,
      min: -1000000,
      value: 50,
    });
    await probe.waitFor(`N/${ID}/heartbeat`);

    const count = probe.on(`N/${ID}/system/0/Dc/Battery/Soc`).length;
    probe.client.publish(`R/${ID}/keepalive`, JSON.stringify({ 'keepalive-options': ['suppress-republish'] }));
    await waitFor(() => sim!.stats.keepalives === 2, { what: 'second keep-alive' });
    expect(probe.on(`N/${ID}/system/0/Dc/Battery/Soc`)).toHaveLength(count);

    await waitFor(() => !sim!.alive, { what: 'keep-alive timeout' });
    const beats = probe.on(`N/${ID}/heartbeat`).length;
    await new Promise((r) => setTimeout(r, 300));
    expect(probe.on(`N/${ID}/heartbeat`)).toHaveLength(beats);
  });

  it('dbus-mqtt: retained values, selective topic list, empty payloads at timeout', async () => {
    sim = await GxSimulator.start({ generation: 'dbus-mqtt', keepaliveTimeoutMs: 600, changeMs: 0 });
    probe = await MqttProbe.connect(sim.url, `N/${ID}/#`);
    await probe.waitFor(`N/${ID}/keepalive`);
    probe.client.publish(`R/${ID}/keepalive`, JSON.stringify(['battery/+/Soc']));
    const soc = await probe.waitFor(`N/${ID}/battery/512/Soc`);
    expect(soc.payload).toBe('{"value": 67.5}');
    expect(probe.on(`N/${ID}/system/0/Dc/Battery/Soc`)).toHaveLength(0);
    expect(probe.on(`N/${ID}/full_publish_completed`)).toHaveLength(0);

    await probe.waitFor(`N/${ID}/battery/512/Soc`, (m) => m.payload === '');
    expect(probe.last(`N/${ID}/system/0/Serial`)!.payload).not.toBe('');

    const late = await MqttProbe.connect(sim.url, `N/${ID}/#`);
    try {
      await late.waitFor(`N/${ID}/system/0/Serial`);
      expect(late.on(`N/${ID}/battery/512/Soc`)).toHaveLength(0);
    } finally {
      await late.client.endAsync(true);
    }
  });

  it('applies a write with an N/ echo, ignores one out of range, and a leaving device sends empty payloads', async () => {
    sim = await GxSimulator.start({ generation: 'flashmq', changeMs: 0 });
    probe = await MqttProbe.connect(sim.url, `N/${ID}/#`);
    probe.client.publish(`R/${ID}/keepalive`, '');
    await probe.waitFor(`N/${ID}/full_publish_completed`);
    const path = `N/${ID}/settings/0/Settings/CGwacs/BatteryLife/MinimumSocLimit`;
    probe.client.publish(`W/${ID}/settings/0/Settings/CGwacs/BatteryLife/MinimumSocLimit`, '{"value":150}');
    probe.client.publish(`W/${ID}/settings/0/Settings/CGwacs/BatteryLife/MinimumSocLimit`, '{"value":30}');
    await probe.waitFor(path, (m) => JSON.parse(m.payload).value === 30);
    expect(probe.on(path).some((m) => JSON.parse(m.payload).value === 150)).toBe(false);

    sim.removeService('solarcharger/279');
    await probe.waitFor(`N/${ID}/solarcharger/279/Yield/Power`, (m) => m.payload === '');
    expect(probe.on(`N/${ID}/solarcharger/279/Pv/V`).at(-1)!.payload).toBe('');
  });
});
