/** The DLMS register table, reading mapping, telemetry payload and diagnosis. */
import { describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { Diagnosis } from '../../../server/drivers/dlms/diagnosis.ts';
import { dlmsMeter } from '../../../server/drivers/dlms/options.ts';
import { mapReadings } from '../../../server/drivers/dlms/readingMapper.ts';
import { DLMS_REGISTERS, registerForObis, registerForUnknownObis } from '../../../server/drivers/dlms/registers.ts';
import { readingsPayload } from '../../../server/mqtt/readingsPayload.ts';

const SEED_TABLE: [string, string, string | undefined][] = [
  ['ACTIVE_POWER_IMPORT', '1-0:1.7.0.255', 'W'],
  ['REACTIVE_POWER_IMPORT', '1-0:3.7.0.255', 'var'],
  ['APPARENT_POWER_IMPORT', '1-0:9.7.0.255', 'VA'],
  ['CURRENT_TOTAL', '1-0:11.7.0.255', 'A'],
  ['VOLTAGE_TOTAL', '1-0:12.7.0.255', 'V'],
  ['POWER_FACTOR_TOTAL', '1-0:13.7.0.255', undefined],
  ['FREQUENCY', '1-0:14.7.0.255', 'Hz'],
  ['TOTAL_ENERGY_ABSOLUTE', '1-0:15.8.0.255', 'kWh'],
  ['CURRENT_NEUTRAL', '1-0:91.7.0.255', 'A'],
  ['CURRENT_TARIFF', '0-0:96.14.0.255', undefined],
];

describe('DLMS register table', () => {
  it('obeys the Home Assistant rules', () => {
    expect(tableViolations(DLMS_REGISTERS)).toEqual([]);
  });

  it('holds the seed keys with their OBIS codes and units', () => {
    for (const [key, obis, unit] of SEED_TABLE) {
      const reg = registerForObis(obis);
      expect([reg?.key, reg?.id, reg?.unit]).toEqual([key, obis, unit]);
    }
  });

  it('generated registers for unknown codes obey the rules too', () => {
    const generated = [
      registerForUnknownObis('1-0:99.7.0.255', 'W', 1),
      registerForUnknownObis('1-0:99.8.0.255', 'Wh', 1),
      registerForUnknownObis('1-0:99.9.0.255', 'VAh', 1),
      registerForUnknownObis('1-0:99.10.0.255', undefined, 1),
      registerForUnknownObis('0-0:96.99.0.255', undefined, 'text'),
      registerForUnknownObis('1-0:99.11.0.255', 'm³', 3),
    ];
    expect(tableViolations(generated)).toEqual([]);
    expect(generated[0]).toMatchObject({ key: 'OBIS_1_0_99_7_0_255', id: '1-0:99.7.0.255', deviceClass: 'power' });
  });
});

describe('mapping readings', () => {
  it('converts Wh to kWh, applies the IVY fallback scaler without scaler_unit, and adds unknown codes', () => {
    const { readings, added } = mapReadings(
      [
        { obis: '1-0:1.8.0.255', value: 9108, unit: 'Wh', scaler: 0, raw: '0600002394' },
        { obis: '1-0:12.7.0.255', value: 23636, raw: '0600005c54' },
        { obis: '1-0:32.7.0.255', value: 230.8, unit: 'V', scaler: -1, raw: '120904' },
        { obis: '1-0:1.7.0.255', value: 2, unit: 'kW', scaler: 0, raw: '0602' },
        { obis: '1-0:3.7.0.255', value: 7, unit: 'Wh', scaler: 0, raw: '0607' },
        { obis: '1-1:0.2.129.255', value: 'AIDON_V0001', raw: '0a' },
      ],
      new Set(['ACTIVE_ENERGY_IMPORT']),
    );
    expect(readings.map((r) => [r.key, r.value])).toEqual([
      ['ACTIVE_ENERGY_IMPORT', 9.108],
      ['VOLTAGE_TOTAL', 236.36],
      ['VOLTAGE_L1', 230.8],
      ['ACTIVE_POWER_IMPORT', 2000],
      ['OBIS_1_0_3_7_0_255_Wh', 7],
      ['OBIS_1_1_0_2_129_255', 'AIDON_V0001'],
    ]);
    expect(added.map((r) => r.key)).toEqual([
      'VOLTAGE_TOTAL',
      'VOLTAGE_L1',
      'ACTIVE_POWER_IMPORT',
      'OBIS_1_0_3_7_0_255_Wh',
      'OBIS_1_1_0_2_129_255',
    ]);
  });
});

describe('telemetry payload', () => {
  it("builds the seed's example exactly", () => {
    const reg = (key: string) => registerForObis(SEED_TABLE.find(([k]) => k === key)![1])!;
    const payload = readingsPayload('000000000000', 1706500000000, 'dlms', [
      { register: reg('VOLTAGE_TOTAL'), value: 236.36 },
      { register: reg('CURRENT_TOTAL'), value: 0.5 },
      { register: reg('ACTIVE_POWER_IMPORT'), value: 118 },
    ]);
    expect(JSON.parse(JSON.stringify(payload))).toEqual({
      meterId: '000000000000',
      timestamp: 1706500000000,
      source: 'dlms',
      readings: {
        VOLTAGE_TOTAL: { value: 236.36, unit: 'V', obis: '1-0:12.7.0.255' },
        CURRENT_TOTAL: { value: 0.5, unit: 'A', obis: '1-0:11.7.0.255' },
        ACTIVE_POWER_IMPORT: { value: 118, unit: 'W', obis: '1-0:1.7.0.255' },
      },
    });
  });
  it('writes "-" as the unit of a unitless reading, as the seed\'s table does', () => {
    const pf = registerForObis('1-0:13.7.0.255')!;
    const tariff = registerForObis('0-0:96.14.0.255')!;
    const payload = readingsPayload('000000000000', 1, 'dlms', [
      { register: pf, value: 0.98 },
      { register: tariff, value: 2 },
    ]);
    expect(payload.readings).toEqual({
      POWER_FACTOR_TOTAL: { value: 0.98, unit: '-', obis: '1-0:13.7.0.255' },
      CURRENT_TARIFF: { value: 2, unit: '-', obis: '0-0:96.14.0.255' },
    });
  });
});

describe('diagnosis', () => {
  it('reports each kind of trouble once, with distinct reasons', () => {
    const d = new Diagnosis(() => 'no telegram for 60 s');
    expect(d.corrupt('FCS')).toBeNull();
    expect(d.corrupt('FCS')).toBeNull();
    expect(d.corrupt('FCS')?.reason).toMatch(/^frames arrive but are corrupt \(baud\/parity\?\)/);
    expect(d.corrupt('FCS')).toBeNull();
    expect(d.good()?.problem).toBe('ok');
    expect(d.corrupt('one bad frame')).toBeNull();
    expect(d.decryptFailed('tag')?.reason).toMatch(/^telegrams arrive but decryption fails \(wrong key\?\)/);
    expect(d.decryptFailed('tag')).toBeNull();
    expect(d.silent()?.reason).toBe('nothing arrives: no telegram for 60 s');
    expect(d.counts).toEqual({ telegrams: 1, decryptFailures: 2, corruptFrames: 5 });
  });
});

describe('meter options', () => {
  it('validates keys and the mode-specific fields with messages naming them', () => {
    expect(dlmsMeter.safeParse({ encryption_key: 'abc' }).error?.issues[0]).toMatchObject({
      path: ['encryption_key'],
      message: expect.stringMatching(/32 hexadecimal/),
    });
    expect(dlmsMeter.safeParse({ mode: 'poll' }).error?.issues[0]).toMatchObject({ path: ['host'] });
    expect(dlmsMeter.safeParse({ authentication_key: '00'.repeat(16) }).error?.issues[0]).toMatchObject({ path: ['encryption_key'] });
    expect(dlmsMeter.parse({ serial_port: '/dev/ttyUSB0', meter_type: 'austria_mbus', encryption_key: '' })).toMatchObject({
      mode: 'push',
      timeout: 60,
      encryption_key: undefined,
    });
  });
});

describe('unsupported telegram forms', () => {
  it('are their own diagnosis, apart from corrupt frames and wrong keys', () => {
    const d = new Diagnosis(() => '');
    expect(d.unsupported('unsupported APDU tag 0xe0')?.reason).toMatch(/^telegrams arrive in a form Wattwire cannot read yet/);
  });
});
