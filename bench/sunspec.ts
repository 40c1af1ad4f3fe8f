/**
 * SunSpec over Modbus TCP against the simulator on loopback: registers read per second
 * through the driver's link (one request at a time, 125 registers each), Modbus requests
 * and registers per poll of the PLENTICORE-like inverter and of the meter, and the model
 * decoder alone. `node --import tsx bench/sunspec.ts` runs it on its own.
 */
import { Hub } from '../server/core/hub.ts';
import { createLogger } from '../server/core/logger.ts';
import { sunspecDefinition } from '../server/drivers/sunspec/definition.ts';
import { ModbusLink } from '../server/drivers/sunspec/modbusLink.ts';
import { optionsSchema } from '../server/options/schema.ts';
import { decodeModel, encodeModel } from '../server/protocols/sunspec/block.ts';
import { MODELS } from '../server/protocols/sunspec/definitions.ts';
import { freePort } from '../server/sim/freePort.ts';
import { SunSpecSim } from '../server/sim/sunspec/simulator.ts';

async function readRate(sim: SunSpecSim, ms = 2000): Promise<{ registersPerS: number; requestsPerS: number }> {
  const link = new ModbusLink(sim.host, sim.port);
  for (let i = 0; i < 20; i++) await link.read(71, 40002, 125, 5000);
  const start = performance.now();
  let requests = 0;
  while (performance.now() - start < ms) {
    await link.read(71, 40002, 125, 5000);
    requests++;
  }
  const elapsed = (performance.now() - start) / 1000;
  await link.close();
  return { registersPerS: Math.round((requests * 125) / elapsed), requestsPerS: Math.round(requests / elapsed) };
}

async function perPoll(sim: SunSpecSim): Promise<Record<string, { requests: number; registers: number }>> {
  const hub = new Hub();
  const { createDriver } = await sunspecDefinition.load();
  const entries = [71, 72].map((unit_id) => ({ host: sim.host, port: sim.port, unit_id, poll_interval: 60 }));
  const driver = createDriver({
    hub,
    log: createLogger('error'),
    options: optionsSchema.parse({ sunspec: entries }),
    dataDir: '/tmp',
    reportConfigError: () => undefined,
  });
  await driver.start();
  const deadline = Date.now() + 20_000;
  while (hub.list().filter((d) => d.status.availability === 'online').length < 2) {
    if (Date.now() > deadline) throw new Error('the simulated devices did not come online');
    await new Promise((r) => setTimeout(r, 50));
  }
  const out: Record<string, { requests: number; registers: number }> = {};
  for (const d of hub.list()) {
    out[d.info.model ?? d.info.id] = { requests: Number(d.diagnostics.requestsPerPoll), registers: Number(d.diagnostics.registersPerPoll) };
  }
  await driver.stop();
  return out;
}

function decodeRate(ms = 1500): number {
  const def = MODELS.get(103)!;
  const regs = encodeModel(def, { values: { W: 5000, W_SF: 0, WH: 123456, WH_SF: 0 } });
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) decodeModel(def, regs);
    n += 100;
  }
  return Math.round((n / (performance.now() - start)) * 1000);
}

export async function bench(): Promise<Record<string, unknown>[]> {
  const sim = new SunSpecSim({ port: await freePort(), clock: { hour: 12 } });
  await sim.start();
  try {
    const rate = await readRate(sim);
    const polls = await perPoll(sim);
    const inverter = polls['PLENTICORE plus 10']!;
    const meter = polls.KSEM!;
    return [
      { figure: 'sunspec_registers_read_per_s', value: rate.registersPerS, unit: 'per_s', requests_per_s: rate.requestsPerS },
      { figure: 'sunspec_plenticore_requests_per_poll', value: inverter.requests, unit: 'requests', registers: inverter.registers },
      { figure: 'sunspec_meter_requests_per_poll', value: meter.requests, unit: 'requests', registers: meter.registers },
      { figure: 'sunspec_model103_blocks_decoded_per_s', value: decodeRate(), unit: 'per_s' },
    ];
  } finally {
    await sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const figure of await bench()) console.log(JSON.stringify({ suite: 'sunspec', ...figure }));
  process.exit();
}
