import type { Hub } from '../core/hub.ts';
import type { Logger, LogLine } from '../core/logger.ts';

export type { LogLine };
import type { Options } from '../options/schema.ts';
import type { Driver } from '../drivers/types.ts';

export interface BrokerInfo {
  /** `options`, `supervisor` or `embedded`. */
  source: 'options' | 'supervisor' | 'embedded';
  url: string;
  connected: boolean;
  queued: number;
  dropped: number;
  published: number;
}

/** How clients (Home Assistant, IVY clients) log in to the embedded broker. */
export interface BrokerLogin {
  host: string;
  port: number;
  wsPort: number;
  username: string;
  password: string;
}

/** What the web server and its route modules may use of the running bridge. */
export interface WebContext {
  hub: Hub;
  log: Logger;
  version: string;
  startedAt: number;
  dataDir: string;
  broker(): BrokerInfo;
  /** The embedded broker's login; undefined when another broker is in use. */
  brokerLogin(): BrokerLogin | undefined;
  stats(): Record<string, unknown>;
  /** Recent log lines, oldest first (secrets are already redacted). */
  recentLogs(): LogLine[];
  /** Problems in the options: device entries that were skipped, with the reason. */
  configErrors(): { where: string; message: string }[];
  options(): Options;
  /** Validate, save (Supervisor or options file) and apply without a restart. */
  saveOptions(next: unknown): Promise<Options>;
  drivers(): Map<string, Driver>;
  /** Remove a device: its retained discovery, status and state are cleared. */
  removeDevice(id: string): Promise<boolean>;
}
