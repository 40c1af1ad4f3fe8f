/**
 * What ends the process: an exception or rejection that escaped every device session's
 * boundary is a bug whose state nobody knows, so it is logged with its stack through the
 * logger (the log and the in-memory ring), flushed, and the process exits with code 1 for
 * s6 to start the add-on again (rootfs/etc/s6-overlay/s6-rc.d/wattwire/finish).
 */
import type { Logger } from './core/logger.ts';

/** The first line of an escaped exception: the chaos harness watches for it. */
export const FATAL_MARK = 'internal error escaped every device session';

/** Time for the log to reach its destination before the process ends anyway. */
const FLUSH_LIMIT_MS = 2000;

export interface FatalOptions {
  /** The logger may change (the app's own replaces the startup one). */
  log: () => Logger;
  exit?: (code: number) => void;
}

export function installFatalHandlers({ log, exit = (code) => process.exit(code) }: FatalOptions): void {
  let ending = false;
  const fatal = (kind: string, err: unknown) => {
    if (ending) return;
    ending = true;
    const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const logger = log();
    logger.fatal(`${FATAL_MARK} (${kind}): ${stack}; exiting for the add-on to restart`);
    const backstop = setTimeout(() => exit(1), FLUSH_LIMIT_MS);
    logger.flush(() => {
      clearTimeout(backstop);
      exit(1);
    });
  };
  process.on('uncaughtException', (err) => fatal('uncaught exception', err));
  process.on('unhandledRejection', (reason) => fatal('unhandled rejection', reason));
}
