import { describe, expect, it } from 'vitest';
import { pollIntervals } from '../../../server/driverSections.ts';
import { DEFINITIONS } from '../../../server/drivers/registry.ts';
import { optionsSchema } from '../../../server/options/schema.ts';

describe("poll intervals for the gateway stats' polling.interval", () => {
  it('lists what each driver polls at: only polled DLMS meters, valid devices only, none for Victron', () => {
    const o = optionsSchema.parse({
      dlt645: { poll_interval: 30 },
      dlms_meters: [
        { mode: 'push', serial_port: '/dev/ttyUSB0' },
        { mode: 'poll', host: '10.0.0.5', poll_interval: 15 },
      ],
      kostal: [
        { host: '10.0.0.6', poll_interval: 20 },
        { host: '10.0.0.7', poll_interval: 1 },
      ],
      xtender: [{ serial_port: '/dev/ttyUSB1', poll_interval: 10, fast_poll_interval: 3 }],
      victron: [{ host: '10.0.0.8' }],
    });
    const intervals = Object.fromEntries(DEFINITIONS.map((d) => [d.kind, pollIntervals(o, d)]));
    // The second inverter's 1 s is below Kostal's minimum: that device is skipped, so is its interval.
    expect(intervals).toEqual({ dlt645: [30], dlms: [15], itron: [], xtender: [10, 3], kostal: [20], victron: [], sunspec: [] });
  });
});
