/** Studer Xtender systems through Xcom-232i gateways: one session per configured serial port. */
import type { Logger } from '../../core/logger.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import { type DeviceItem, firstOfEach } from '../../options/deviceItems.ts';
import { devicesOf } from '../definition.ts';
import { SessionDriver } from '../sessionDriver.ts';
import type { ConnectionTestResult, Driver, DriverContext, DriverDiagnostics } from '../types.ts';
import { describeZodError } from '../../options/errors.ts';
import { FlashWriteLedger } from './flashLedger.ts';
import { ScomLink } from './link.ts';
import { type XtenderLink, xtenderLink } from './options.ts';
import { scanBus } from './scan.ts';
import { XtenderSession } from './session.ts';
import { xtenderDefinition } from './definition.ts';

export function createXtenderDriver(ctx: DriverContext): Driver {
  return new XtenderDriver(ctx);
}

class XtenderDriver extends SessionDriver<XtenderLink, XtenderSession> {
  readonly kind = 'xtender';
  private ledger: FlashWriteLedger | undefined;

  override async start(): Promise<void> {
    const ledger = new FlashWriteLedger(this.ctx.dataDir);
    await ledger.load();
    if (ledger.problem) this.ctx.log.warn(ledger.problem.message);
    this.ledger = ledger;
    await super.start();
  }

  protected entries(): DeviceItem<XtenderLink>[] {
    return firstOfEach(
      devicesOf(this.ctx, xtenderDefinition),
      (c) => c.serial_port,
      ({ index, config }) =>
        this.ctx.reportConfigError(`xtender[${index}].serial_port`, `${config.serial_port} is already used by another xtender entry`),
    );
  }

  protected logName({ config }: DeviceItem<XtenderLink>): string {
    return config.name ?? config.serial_port;
  }

  protected describe({ config }: DeviceItem<XtenderLink>): string {
    return `Xtender link ${config.serial_port}`;
  }

  protected createSession({ config }: DeviceItem<XtenderLink>, log: Logger, boundary: SessionBoundary): XtenderSession {
    if (!this.ledger) throw new Error('the flash write ledger is created in start()');
    return new XtenderSession(config, { hub: this.ctx.hub, log, ledger: this.ledger }, boundary);
  }

  diagnostics(): DriverDiagnostics {
    return { links: this.sessions().map((s) => s.diagnostics()) };
  }

  testConnection(config: unknown): Promise<ConnectionTestResult> {
    return testXtenderConnection(config);
  }
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
