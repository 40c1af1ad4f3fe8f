import { describe, expect, it } from 'vitest';
import { optionsSchema } from '../../../server/options/schema.ts';
import { victronSystem } from '../../../server/drivers/victron/options.ts';
import { startDemoSim } from '../../../server/sim/victron/demo.ts';
import { MqttProbe } from '../../support/mqttProbe.ts';

describe('Victron demo simulator', () => {
  it('adds a valid loopback GX to the options that answers on its port', async () => {
    const demo = await startDemoSim();
    try {
      const options = optionsSchema.parse({});
      demo.configure(options);
      expect(options.victron).toHaveLength(1);
      const entry = victronSystem.parse(options.victron[0]);
      expect(entry.host).toBe('127.0.0.1');
      const probe = await MqttProbe.connect(`mqtt://127.0.0.1:${entry.port}`, 'N/+/system/0/Serial');
      try {
        await probe.waitFor('N/c0619ab12345/system/0/Serial');
      } finally {
        await probe.client.endAsync(true);
      }
    } finally {
      await demo.stop();
    }
  });
});
