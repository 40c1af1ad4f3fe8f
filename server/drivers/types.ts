import type { DialInClaimFactory } from './dialIn.ts';
import type { Hub } from '../core/hub.ts';
import type { Logger } from '../core/logger.ts';
import type { Options } from '../options/schema.ts';

export interface DriverContext {
  hub: Hub;
  log: Logger;
  options: Options;
  /** Persistent data (certificates, learned identities): /data in the add-on. */
  dataDir: string;
  /** Report a device whose options are wrong; it is skipped, everything else runs. */
  reportConfigError(where: string, message: string): void;
  /** Other kinds' meters that may dial in to this driver's listener (see `dialIn.ts`). */
  dialIn?: readonly DialInClaimFactory[];
}

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  details?: Record<string, unknown>;
}

/** A device that announced itself to a running driver (dialed in) and is in no options list yet. */
export interface PendingDevice {
  kind: string;
  /** What identifies it to the user: a meter address, a system title. */
  label: string;
  /** Where it connected from. */
  remote?: string;
  /** The options entry that adopts it; the wizard prefills its form with this. */
  config: Record<string, unknown>;
}

export interface Driver {
  readonly kind: string;
  start(): Promise<void>;
  /** Close every socket and port; publish nothing more. */
  stop(): Promise<void>;
  /** Driver-wide diagnostics (listeners, links) for the UI and the bundle. */
  diagnostics?(): DriverDiagnostics;
  /** Onboarding: devices waiting to be adopted. */
  pendingDevices?(): PendingDevice[];
  /** Onboarding: try a device configuration without saving it. */
  testConnection?(config: unknown): Promise<ConnectionTestResult>;
}

/** What diagnostics hold: plain JSON, since they go into the bundle a user attaches to an issue. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue | undefined };

/** A driver's diagnostics, by section (`listener`, `meters`, `links` …). */
export type DriverDiagnostics = JsonObject;

export type DriverFactory = (ctx: DriverContext) => Driver;
