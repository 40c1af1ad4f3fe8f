/**
 * DLMS/COSEM driver: push meters on serial ports or on one TCP listener, polled meters
 * over the TCP wrapper. Keys stay in memory and are never logged.
 */
import { devicesOf } from '../definition.ts';
import type { Driver, DriverContext, DriverDiagnostics, PendingDevice } from '../types.ts';
import { PollMeter } from './pollMeter.ts';
import { PushListener } from './pushListener.ts';
import { PushMeter } from './pushMeter.ts';
import { SerialPush } from './serialPush.ts';
import type { PendingDlmsMeter } from './unknownMeters.ts';
import { dlmsDefinition } from './definition.ts';

export type { PendingDlmsMeter };

export interface DlmsDriver extends Driver {
  readonly kind: 'dlms';
  /** System titles that pushed to the TCP listener and are in no dlms_meters item. */
  pendingMeters(): PendingDlmsMeter[];
}

export function isDlmsDriver(driver: Driver | undefined): driver is DlmsDriver {
  return driver?.kind === 'dlms' && 'pendingMeters' in driver;
}

export function createDlmsDriver(ctx: DriverContext): DlmsDriver {
  return new DlmsMeters(ctx);
}

class DlmsMeters implements DlmsDriver {
  readonly kind = 'dlms';
  private serial: SerialPush[] = [];
  private tcpPush: PushMeter[] = [];
  private polled: PollMeter[] = [];
  private listener: PushListener | undefined;

  constructor(private readonly ctx: DriverContext) {}

  pendingMeters(): PendingDlmsMeter[] {
    return this.listener?.pendingMeters() ?? [];
  }

  /** Adopted as a push meter with its system title; the user adds its keys. */
  pendingDevices(): PendingDevice[] {
    return this.pendingMeters().map((m) => ({
      kind: 'dlms',
      label: m.systemTitle,
      remote: m.ip,
      config: { mode: 'push', system_title: m.systemTitle },
    }));
  }

  async start(): Promise<void> {
    const { ctx } = this;
    const { listen, listen_port: listenPort, max_meters: maxMeters, adopt_per_minute: perMinute } = ctx.options.dlms;
    for (const { index, config } of devicesOf(ctx, dlmsDefinition)) {
      const where = `dlms_meters[${index}]`;
      if (config.mode === 'poll') this.polled.push(new PollMeter(ctx, config, where));
      else if (config.serial_port)
        this.serial.push(new SerialPush(new PushMeter(ctx, config, where, config.serial_port), config.serial_port));
      else if (listen) this.tcpPush.push(new PushMeter(ctx, config, where, `TCP port ${listenPort}`));
      else ctx.reportConfigError(where, `${where}: a push meter needs serial_port, or dlms.listen enabled to receive it over TCP`);
    }
    for (const s of this.serial) s.start();
    for (const p of this.polled) p.start();
    // Open even without TCP push meters: an unknown meter that pushes is listed for adoption.
    if (listen) {
      const listener = new PushListener(this.tcpPush, listenPort, ctx.log, { maxMeters, perMinute });
      try {
        await listener.start();
        this.listener = listener;
      } catch (err) {
        ctx.reportConfigError('dlms.listen_port', `dlms.listen_port ${listenPort} cannot be opened: ${(err as Error).message}`);
      }
    }
  }

  async stop(): Promise<void> {
    const { serial, tcpPush, polled, listener } = this;
    this.serial = [];
    this.tcpPush = [];
    this.polled = [];
    this.listener = undefined;
    for (const m of [...polled, ...tcpPush, ...serial.map((s) => s.meter)]) m.boundary.dispose();
    await Promise.all([...polled.map((p) => p.stop()), ...serial.map((s) => s.stop()), listener?.stop()]);
  }

  diagnostics(): DriverDiagnostics {
    return {
      listener: this.listener?.diagnostics() ?? null,
      pendingMeters: this.pendingMeters(),
      meters: [
        ...this.serial.map((s) => s.meterDiagnostics()),
        ...this.tcpPush.map((m) => m.device.diagnostics()),
        ...this.polled.map((p) => p.diagnostics()),
      ],
    };
  }
}
