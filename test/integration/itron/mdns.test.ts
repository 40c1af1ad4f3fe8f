import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { generateClientIdentity } from '../../../server/certs/generate.ts';
import { summariseCertificate } from '../../../server/certs/inspect.ts';
import { generateAndStore } from '../../../server/certs/store.ts';
import { sfdiFromLfdi } from '../../../server/protocols/ieee2030_5/identity.ts';
import { startItronSim, type ItronSim } from '../../../server/sim/itron/server.ts';
import { browseSmartEnergy, findMeterByLfdi } from '../../../server/drivers/itron/discovery.ts';
import { createItronDriver } from '../../../server/drivers/itron/driver.ts';
import { freePort, waitFor } from '../../support/ports.ts';
import { testContext } from './context.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const children = new Set<ChildProcess>();

interface Meter {
  lfdi: string;
  identity: { certPem: string; keyPem: string };
}

async function meterIdentity(name: string): Promise<Meter> {
  const identity = await generateClientIdentity({ subject: `CN=${name}` });
  return { lfdi: summariseCertificate(identity.certPem).lfdi, identity };
}

/** A separate process that announces the meter with bonjour-service (the simulator's advertiser). */
async function publishInChild(lfdi: string, port: number, missFirstBrowse = false): Promise<ChildProcess> {
  const script = `import { advertiseMeter } from './server/sim/itron/advertise.ts';
const ad = advertiseMeter({ lfdi: ${JSON.stringify(lfdi)}, port: ${port}, missFirstBrowse: ${missFirstBrowse} });
await ad.ready;
console.log('advertised');
process.once('SIGTERM', () => void ad.stop().then(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('advertised'), { what: 'meter advertised', timeoutMs: 20_000 });
  return child;
}

/** The meter itself: its 2030.5 server, reachable on the host's addresses as a real meter is. */
async function serveMeter(m: Meter, port: number): Promise<ItronSim> {
  return startItronSim({ host: '0.0.0.0', port, registered: 'any', identity: m.identity });
}

async function stopChild(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

afterAll(async () => {
  await Promise.all([...children].map(stopChild));
});

describe('mDNS discovery of _smartenergy._tcp', () => {
  it('finds several meters published by other processes, with their LFDIs', async () => {
    const [a, b] = await Promise.all([meterIdentity('meter-a'), meterIdentity('meter-b')]);
    const [pa, pb] = [await freePort(), await freePort()];
    const publishers = await Promise.all([publishInChild(a.lfdi, pa), publishInChild(b.lfdi, pb)]);
    try {
      const found = await waitFor(
        async () => {
          const list = await browseSmartEnergy(1500);
          return list.some((s) => s.lfdi === a.lfdi) && list.some((s) => s.lfdi === b.lfdi) ? list : undefined;
        },
        { what: 'both meters', timeoutMs: 15_000 },
      );
      expect(found.find((s) => s.lfdi === a.lfdi)).toMatchObject({ port: pa });
      expect(found.find((s) => s.lfdi === b.lfdi)).toMatchObject({ port: pb, sfdi: sfdiFromLfdi(b.lfdi) });
      expect(await findMeterByLfdi(b.lfdi, 3000)).toMatchObject({ lfdi: b.lfdi, port: pb });
    } finally {
      await Promise.all(publishers.map(stopChild));
    }
  });

  it('finds a meter that leaves the first query unanswered within one browse', async () => {
    const m = await meterIdentity('shy-meter');
    const port = await freePort();
    const publisher = await publishInChild(m.lfdi, port, true);
    try {
      expect(await findMeterByLfdi(m.lfdi, 4000)).toMatchObject({ lfdi: m.lfdi, port });
    } finally {
      await stopChild(publisher);
    }
  });

  it('the driver finds a meter by LFDI and finds it again at its new address', async () => {
    const m = await meterIdentity('moving-meter');
    const firstPort = await freePort();
    let meter = await serveMeter(m, firstPort);
    let publisher = await publishInChild(m.lfdi, firstPort);
    const ctx = await testContext([{ lfdi: m.lfdi, poll_interval: 1, timeout: 2 }]);
    await generateAndStore(ctx.dataDir);
    const driver = createItronDriver(ctx);
    await driver.start();
    try {
      const addressOf = () =>
        ctx.hub.get(m.lfdi)?.status.availability === 'online'
          ? (ctx.hub.get(m.lfdi)?.diagnostics.address as string | undefined)
          : undefined;
      const before = await waitFor(addressOf, { what: 'online via mDNS', timeoutMs: 20_000 });
      expect(before.endsWith(`:${firstPort}`)).toBe(true);
      // The meter moves (here: to another port): the old address goes dead, the new one is announced.
      await stopChild(publisher);
      await meter.stop();
      const newPort = await freePort();
      meter = await serveMeter(m, newPort);
      publisher = await publishInChild(m.lfdi, newPort);
      const after = await waitFor(
        () => {
          const a = addressOf();
          return a && a !== before ? a : undefined;
        },
        { what: 'online at the new address', timeoutMs: 25_000 },
      );
      expect(after.endsWith(`:${newPort}`)).toBe(true);
      expect(ctx.hub.get(m.lfdi)?.diagnostics.addressFrom).toBe('mdns');
    } finally {
      await driver.stop();
      await stopChild(publisher);
      await meter.stop();
      await ctx.cleanup();
    }
  }, 60_000);
});
