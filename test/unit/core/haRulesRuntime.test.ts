/**
 * Home Assistant's rules for the registers drivers build at run time, not only their static
 * tables: each set is built the way its driver builds it, from real captures (Victron topic
 * catalogue and capture, the Itron crawl, DLMS telegrams, Kostal DXS answers and pages), and
 * a broken descriptor slipped into each set is flagged.
 */
import { readFileSync } from 'node:fs';
import { kostalDxs, kostalPage } from '../../support/deviceDocuments.ts';
import { describe, expect, it } from 'vitest';
import { tableViolations } from '../../../server/core/haRules.ts';
import { Hub } from '../../../server/core/hub.ts';
import { createLogger } from '../../../server/core/logger.ts';
import type { RegisterDescriptor } from '../../../server/core/registers.ts';
import { mapReadings } from '../../../server/drivers/dlms/readingMapper.ts';
import { DLT645_REGISTERS, IMPORT_FROM_COMBINED } from '../../../server/drivers/dlt645/registers.ts';
import { learnLayout, type ResourceSource, touPoints } from '../../../server/drivers/itron/layout.ts';
import { CERT_DAYS_LEFT } from '../../../server/drivers/itron/meterSession.ts';
import { BASE_REGISTERS } from '../../../server/drivers/kostal/registers.ts';
import { registersFor } from '../../../server/drivers/kostal/snapshotReadings.ts';
import { GxDevices } from '../../../server/drivers/victron/devices.ts';
import { VICTRON_REGISTERS } from '../../../server/drivers/victron/registers.ts';
import { FAMILY_REGISTERS } from '../../../server/drivers/xtender/registers.ts';
import { decodeTelegram } from '../../../server/protocols/dlms/telegram.ts';
import { readingsFromDsmr } from '../../../server/protocols/dlms/dsmr.ts';
import type { CosemReading } from '../../../server/protocols/dlms/readings.ts';
import { ApduStream } from '../../../server/protocols/dlms/apduStream.ts';
import { registersOf } from '../../../server/drivers/itron/pollPlan.ts';
import { parseSep } from '../../../server/protocols/ieee2030_5/xml.ts';
import { classicSnapshot, parseClassicPage } from '../../../server/protocols/kostal/classicPage.ts';
import { dxsSnapshot, parseDxsResponse } from '../../../server/protocols/kostal/dxs.ts';
import { decodePayload } from '../../../server/protocols/victron/payload.ts';
import { parseNotification } from '../../../server/protocols/victron/topic.ts';
import { MeterDocuments } from '../../../server/sim/itron/documents.ts';
import { initialState } from '../../../server/sim/itron/meterModel.ts';
import { PARAMETERS } from '../../../server/sim/xtender/catalogue.ts';
import { fixtureHex, fixtureText, KEYS } from '../dlms/fixtures.ts';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');

/** Per device: keys are unique within one device, not across devices. */
type DeviceSets = Record<string, RegisterDescriptor[]>;

function expectRulesHold(sets: DeviceSets): void {
  const problems = Object.entries(sets).flatMap(([device, regs]) => tableViolations(regs).map((p) => `${device}: ${p}`));
  expect(problems).toEqual([]);
}

/** The check can fail: one bad descriptor among the built ones is reported, and only it. */
function expectBrokenOneFlagged(sets: DeviceSets): void {
  const regs = Object.values(sets).find((r) => r.length > 0)!;
  const broken = {
    ...regs[0]!,
    key: `${regs[0]!.key}_broken`,
    writable: false,
    unit: 'kWh',
    deviceClass: 'power',
    stateClass: 'measurement' as const,
  };
  expect(tableViolations([...regs, broken])).toEqual([`${broken.key}: unit kWh is not valid with device_class power`]);
}

const PORTAL = 'c0619ab12345';

/** Every path of the catalogue (placeholders filled in) and of the capture, through the driver's device builder. */
function victronSets(): DeviceSets {
  const hub = new Hub();
  const gx = new GxDevices(hub, {
    portalId: PORTAL,
    gxId: `victron_${PORTAL}`,
    gxName: 'GX',
    listed: 'gx',
    allowWrites: true,
    // Every path the table does not know becomes an extra register, as `extra_paths: '#'` would have it.
    extraFilters: ['#'],
    table: VICTRON_REGISTERS,
    controllerFor: () => ({}),
  });
  const messages: [string, string][] = [];
  for (const line of fixture('victron/victron-mqtt-topic-catalogue.csv').split('\n').slice(1)) {
    const [template, , , , valueType] = line.split(',');
    if (!template) continue;
    const path = template
      .replaceAll('{next_phase}', 'L2')
      .replaceAll('{phase}', 'L1')
      .replace(/\{[a-z_]+\}/g, '1');
    messages.push([`N/${PORTAL}/${path}`, JSON.stringify({ value: valueType === 'string' ? 'text' : 1 })]);
  }
  for (const line of fixture('victron/synthetic-ess-single-phase.mqtt.tsv').split('\n')) {
    if (line.startsWith('# --- while alive')) break;
    const [topic, payload] = line.split('\t');
    if (!line.startsWith('#') && topic && payload) messages.push([topic, payload]);
  }
  for (const [topic, payload] of messages) {
    const parsed = parseNotification(topic);
    const decoded = decodePayload(payload);
    if (parsed?.kind === 'value' && decoded.kind === 'value') gx.ingest(parsed, decoded);
  }
  gx.flush();
  gx.stop();
  return Object.fromEntries(hub.list().map((rec) => [rec.info.id, rec.registers]));
}

/** The crawled meter, walked by the driver's layout code; TOU tiers as the first poll of their lists finds them. */
async function itronSets(): Promise<DeviceSets> {
  const docs = new MeterDocuments('0123456789ABCDEF0123456789ABCDEF01234567');
  const state = initialState(Date.UTC(2026, 0, 1), { touTiers: true });
  const crawl: ResourceSource = {
    where: 'crawl',
    get: async (path) => {
      const served = docs.serve(path, state);
      if (served.status !== 200) throw new Error(`${path}: 404`);
      return served.body;
    },
  };
  const log = createLogger('silent');
  const walked = await learnLayout(crawl, log);
  expect(walked.source).toBe('resource tree');
  const tiers = [];
  for (const list of walked.touLists) {
    const parsed = parseSep(await crawl.get(list.path));
    if (parsed.ok) tiers.push(...touPoints(list, parsed.value));
  }
  expect(tiers.length).toBeGreaterThan(0);
  const broken: ResourceSource = { where: 'crawl', get: async (path) => (path.startsWith('/upt') ? '<html/>' : crawl.get(path)) };
  const fallback = await learnLayout(broken, log);
  expect(fallback.source).toBe('firmware table');
  return {
    walked: [...registersOf(walked.points), ...registersOf(tiers), CERT_DAYS_LEFT],
    firmwareTable: [...registersOf(fallback.points), CERT_DAYS_LEFT],
  };
}

function onlyApdu(bytes: Buffer): Buffer {
  const item = new ApduStream().push(bytes)[0];
  if (item?.kind !== 'apdu') throw new Error('no APDU');
  return item.apdu;
}

/** Registers a meter gets from its telegrams, as meterDevice adds them (it starts with none). */
function dlmsSets(): DeviceSets {
  const telegrams: Record<string, CosemReading[]> = {
    tinetz: decodeTelegram(onlyApdu(fixtureHex('tinetz-ma309-mbus.hex')), () => KEYS.tinetz).readings,
    evn: decodeTelegram(onlyApdu(fixtureHex('evn-ma309m-mbus.hex')), () => KEYS.evn).readings,
    smarty: decodeTelegram(onlyApdu(fixtureHex('smarty-t210d-raw.hex')), () => KEYS.smarty).readings,
    smartyText: readingsFromDsmr(fixtureText('smarty-t210d-plaintext.txt')),
  };
  return Object.fromEntries(Object.entries(telegrams).map(([meter, cosem]) => [meter, mapReadings(cosem, new Set()).added]));
}

/** The base table plus what each snapshot (DXS answer, classic pages) adds. */
function kostalSets(): DeviceSets {
  const sets: DeviceSets = {};
  const dxs = parseDxsResponse(kostalDxs('dxs-response-observed-3string-feeding.json'));
  if (!dxs.ok) throw new Error(dxs.error);
  sets.dxs = [...BASE_REGISTERS, ...registersFor(dxsSnapshot(dxs.value))];
  for (const page of [
    'piko-3.6-index-en-single-phase-2strings.html',
    'piko-5.5-index-de-3strings.html',
    'piko-8.3-index-de-feeding-low.html',
  ]) {
    const parsed = parseClassicPage(kostalPage(page));
    if (!parsed.ok) throw new Error(parsed.error);
    sets[page] = [...BASE_REGISTERS, ...registersFor(classicSnapshot(parsed.value))];
  }
  return sets;
}

/** Each family's table with the ranges the simulated units report in place of the catalogue's (device.ts readRange). */
function xtenderSets(): DeviceSets {
  const kinds = { xtender: 'xtender', variotrack: 'variotrack', variostring: 'variostring', bsp: 'bsp' } as const;
  return Object.fromEntries(
    Object.entries(kinds).map(([family, kind]) => [
      family,
      FAMILY_REGISTERS[family as keyof typeof kinds].map((r) => {
        const reported = PARAMETERS[kind][r.objectId];
        return reported && r.type === undefined ? { ...r, deviceRange: { min: reported.min, max: reported.max } } : r;
      }),
    ]),
  );
}

describe('Home Assistant rules for registers built at run time', () => {
  it('Victron: every catalogue topic and captured path, table templates and extra paths alike', () => {
    const sets = victronSets();
    const all = Object.values(sets).flat();
    const tableKeys = new Set(VICTRON_REGISTERS.map((r) => r.key));
    expect(all.filter((r) => tableKeys.has(r.key)).length).toBeGreaterThan(50);
    expect(all.filter((r) => !tableKeys.has(r.key)).length).toBeGreaterThan(100);
    expectRulesHold(sets);
    expectBrokenOneFlagged(sets);
  });

  it('Itron: the walked resource tree with its TOU tiers, and the firmware-table fallback', async () => {
    const sets = await itronSets();
    expect(sets.walked!.length).toBeGreaterThan(5);
    expectRulesHold(sets);
    expectBrokenOneFlagged(sets);
  });

  it('DLMS: the registers real telegrams bring, known OBIS codes and unknown ones', () => {
    const sets = dlmsSets();
    const all = Object.values(sets).flat();
    expect(all.some((r) => r.key.startsWith('OBIS_'))).toBe(true);
    expect(all.some((r) => !r.key.startsWith('OBIS_'))).toBe(true);
    expectRulesHold(sets);
    expectBrokenOneFlagged(sets);
  });

  it('Kostal: strings and phases added from a DXS answer and from classic pages', () => {
    const sets = kostalSets();
    expect(sets.dxs!.map((r) => r.key)).toEqual(expect.arrayContaining(['string3_power', 'l3_current', 'dc_power']));
    expectRulesHold(sets);
    expectBrokenOneFlagged(sets);
  });

  it("Xtender: parameters with the units' own ranges; DL/T 645: the import energy read from the combined counter", () => {
    const sets: DeviceSets = {
      ...xtenderSets(),
      dlt645: [...DLT645_REGISTERS.filter((r) => r.key !== IMPORT_FROM_COMBINED.key), IMPORT_FROM_COMBINED],
    };
    expect(sets.xtender!.some((r) => r.deviceRange)).toBe(true);
    expectRulesHold(sets);
    expectBrokenOneFlagged(sets);
  });

  it("flags a device's range that leaves nothing to choose", () => {
    const reg = FAMILY_REGISTERS.xtender.find((r) => r.key === 'max_ac_input_current')!;
    expect(tableViolations([{ ...reg, deviceRange: { min: 16, max: 16 } }])).toEqual([
      "max_ac_input_current: the device's range 16..16 leaves nothing to choose",
    ]);
  });
});
