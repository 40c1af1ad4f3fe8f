/** Studer Xtender systems through Xcom-232i gateways: one session per configured serial port. */
import { SessionBoundary } from '../../core/sessionBoundary.ts';
import { devicesOf } from '../definition.ts';
import type { ConnectionTestResult, Driver, DriverContext } from '../types.ts';
import { describeZodError } from '../../options/errors.ts';
import { FlashWriteLedger } from './flashLedger.ts';
import { ScomLink } from './link.ts';
import { xtenderLink } from './options.ts';
import { scanBus } from './scan.ts';
import { XtenderSession } from './session.ts';
import { xtenderDefinition } from './definition.ts';

export function createXtenderDriver(ctx: DriverContext): Driver {
  const sessions: XtenderSession[] = [];
  const boundaries: SessionBoundary[] = [];
  return {
    kind: 'xtender',
    async start() {
      const seen = new Set<string>();
      const ledger = new FlashWriteLedger(ctx.dataDir);
      await ledger.load();
      if (ledger.problem) ctx.log.warn(ledger.problem.message);
      for (const { index, config } of devicesOf(ctx, xtenderDefinition)) {
        if (seen.has(config.serial_port)) {
          ctx.reportConfigError(`xtender[${index}].serial_port`, `${config.serial_port} is already used by another xtender entry`);
          continue;
        }
        seen.add(config.serial_port);
        const slot = sessions.length;
        const log = ctx.log.child({ device: config.name ?? config.serial_port });
        const create = () => new XtenderSession(config, { hub: ctx.hub, log, ledger }, boundary);
        const boundary: SessionBoundary = new SessionBoundary({
          hub: ctx.hub,
          log,
          describe: () => `Xtender link ${config.serial_port}`,
          devices: () => sessions[slot].deviceIds(),
          halt: () => sessions[slot].stop(),
          restart: () => {
            sessions[slot] = create();
            sessions[slot].start();
          },
        });
        boundaries.push(boundary);
        sessions.push(create());
        sessions[slot].start();
      }
    },
    async stop() {
      for (const b of boundaries) b.dispose();
      boundaries.length = 0;
      await Promise.all(sessions.map((s) => s.stop()));
      sessions.length = 0;
    },
    diagnostics() {
      return { links: sessions.map((s) => s.diagnostics()) };
    },
    testConnection: testXtenderConnection,
  };
}

/** Onboarding: open the port, scan the bus, close again. */
async function testXtenderConnection(config: unknown): Promise<ConnectionTestResult> {
  const parsed = xtenderLink.safeParse(config);
  if (!parsed.success) return { ok: false, message: describeZodError(parsed.error) };
  const { serial_port, baud, timeout_ms, retries } = parsed.data;
  const link = new ScomLink({ path: serial_port, baudRate: baud, timeoutMs: timeout_ms, retries });
  try {
    await link.open();
    const found = await scanBus(link);
    const devices = found.map((f) => ({ family: f.family, address: f.address, serial: f.serial, model: f.model, swVersion: f.swVersion }));
    return {
      ok: true,
      message: `Xcom-232i answered; found ${devices.map((d) => `${d.family} ${d.address}`).join(', ')}`,
      details: { devices },
    };
  } catch (err) {
    return { ok: false, message: `${serial_port}: ${(err as Error).message}` };
  } finally {
    await link.close();
  }
}
