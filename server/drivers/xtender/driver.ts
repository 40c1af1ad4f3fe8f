/** Studer Xtender systems through Xcom-232i gateways: one session per configured serial port. */
import type { Driver, DriverContext } from '../types.ts';
import { validDeviceItems } from '../../options/deviceItems.ts';
import { FlashWriteLedger } from './flashLedger.ts';
import { XtenderSession } from './session.ts';

export function createXtenderDriver(ctx: DriverContext): Driver {
  const sessions: XtenderSession[] = [];
  return {
    kind: 'xtender',
    async start() {
      const seen = new Set<string>();
      const ledger = new FlashWriteLedger(ctx.dataDir);
      for (const { index, config } of validDeviceItems(ctx, 'xtender')) {
        if (seen.has(config.serial_port)) {
          ctx.reportConfigError(`xtender[${index}].serial_port`, `${config.serial_port} is already used by another xtender entry`);
          continue;
        }
        seen.add(config.serial_port);
        const session = new XtenderSession(config, { hub: ctx.hub, log: ctx.log, ledger });
        sessions.push(session);
        session.start();
      }
    },
    async stop() {
      await Promise.all(sessions.map((s) => s.stop()));
      sessions.length = 0;
    },
    diagnostics() {
      return { links: sessions.map((s) => s.diagnostics()) };
    },
  };
}
