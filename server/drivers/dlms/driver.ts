/**
 * DLMS/COSEM driver: push meters on serial ports or on one TCP listener, polled meters
 * over the TCP wrapper. Keys stay in memory and are never logged.
 */
import { devicesOf } from '../definition.ts';
import type { Driver, DriverContext, PendingDevice } from '../types.ts';
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
  pendingDevices(): PendingDevice[];
}

export function createDlmsDriver(ctx: DriverContext): DlmsDriver {
  const serial: SerialPush[] = [];
  const tcpPush: PushMeter[] = [];
  const polled: PollMeter[] = [];
  const pushMeters: PushMeter[] = [];
  let listener: PushListener | undefined;
  const { listen, listen_port: listenPort, max_meters: maxMeters, adopt_per_minute: perMinute } = ctx.options.dlms;

  for (const { index, config } of devicesOf(ctx, dlmsDefinition)) {
    const where = `dlms_meters[${index}]`;
    if (config.mode === 'poll') polled.push(new PollMeter(ctx, config, where));
    else if (config.serial_port) {
      const meter = new PushMeter(ctx, config, where, config.serial_port);
      pushMeters.push(meter);
      serial.push(new SerialPush(meter, config.serial_port));
    } else if (listen) {
      const meter = new PushMeter(ctx, config, where, `TCP port ${listenPort}`);
      pushMeters.push(meter);
      tcpPush.push(meter);
    } else ctx.reportConfigError(where, `${where}: a push meter needs serial_port, or dlms.listen enabled to receive it over TCP`);
  }

  const pendingMeters = (): PendingDlmsMeter[] => listener?.pendingMeters() ?? [];

  return {
    kind: 'dlms',
    pendingMeters,
    // Adopted as a push meter with its system title; the user adds its keys.
    pendingDevices: () =>
      pendingMeters().map((m) => ({
        kind: 'dlms',
        label: m.systemTitle,
        remote: m.ip,
        config: { mode: 'push', system_title: m.systemTitle },
      })),
    async start() {
      for (const s of serial) s.start();
      for (const p of polled) p.start();
      // Open even without TCP push meters: an unknown meter that pushes is listed for adoption.
      if (listen) {
        listener = new PushListener(tcpPush, listenPort, ctx.log, { maxMeters, perMinute });
        try {
          await listener.start();
        } catch (err) {
          ctx.reportConfigError('dlms.listen_port', `dlms.listen_port ${listenPort} cannot be opened: ${(err as Error).message}`);
          listener = undefined;
        }
      }
    },
    async stop() {
      for (const m of [...polled, ...pushMeters]) m.boundary.dispose();
      for (const p of polled) p.stop();
      await Promise.all(serial.map((s) => s.stop()));
      await listener?.stop();
      listener = undefined;
    },
    diagnostics() {
      return {
        listener: listener?.diagnostics() ?? null,
        pendingMeters: pendingMeters(),
        meters: [
          ...serial.map((s) => s.meterDiagnostics()),
          ...tcpPush.map((m) => m.device.diagnostics()),
          ...polled.map((p) => p.diagnostics()),
        ],
      };
    },
  };
}
