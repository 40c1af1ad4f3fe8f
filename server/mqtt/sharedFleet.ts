/**
 * Several instances sharing one fleet of dial-in meters (`mqtt.shared_fleet`): an instance
 * publishes a device only while it holds it. It takes a device when the meter comes online
 * on one of its connections, and gives it up when another instance's retained status says
 * that instance has it online, or spoke last about it while it is offline here. Every status
 * this instance publishes names its bridge topic, which is how the others tell who spoke.
 */

import { parseBoundedJson } from '../protocols/json/boundedJson.ts';

/** Far above any status Wattwire writes; a larger payload is not parsed. */
const MAX_STATUS_BYTES = 4096;
/** A status is one flat object. */
const STATUS_LIMITS = { maxLength: MAX_STATUS_BYTES, maxDepth: 4 };

export type OtherStatusVerdict =
  /** Not about a device held or known here, or this instance's own message: nothing to do. */
  | 'ignore'
  /** Another instance holds the device (or spoke last while it is offline here): stay silent about it. */
  | 'release'
  /** Another instance calls a device offline that is online here: announce it again. */
  | 'reassert';

interface OtherStatus {
  bridge: string;
  online: boolean;
}

/** The `bridge` and `online` fields of a status payload, or undefined when it is not one. */
export function parseOtherStatus(payload: Buffer): OtherStatus | undefined {
  if (payload.length === 0 || payload.length > MAX_STATUS_BYTES) return undefined;
  const parsed = parseBoundedJson(payload.toString('utf8'), STATUS_LIMITS, 'a status');
  const body = parsed.ok ? parsed.value : undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const { bridge, online } = body as { bridge?: unknown; online?: unknown };
  if (typeof bridge !== 'string' || typeof online !== 'boolean') return undefined;
  return { bridge, online };
}

export class SharedFleet {
  /** Devices this instance announced, and when: only values read since then are published. */
  private readonly held = new Map<string, number>();
  readonly counters = { taken: 0, released: 0, reasserted: 0 };

  constructor(
    readonly bridge: string,
    private readonly now: () => number = Date.now,
  ) {}

  holds(id: string): boolean {
    return this.held.has(id);
  }

  /** When this instance took the device; undefined while it does not hold it. */
  heldSince(id: string): number | undefined {
    return this.held.get(id);
  }

  /** The device came online here; true when it was not held (so its discovery must be announced). */
  take(id: string): boolean {
    if (this.held.has(id)) return false;
    this.held.set(id, this.now());
    this.counters.taken++;
    return true;
  }

  /** The device is gone from this instance (removed). */
  forget(id: string): void {
    this.held.delete(id);
  }

  /** Another instance's status for `id`; `localOnline` is undefined when the device is unknown here. */
  onOtherStatus(id: string, payload: Buffer, localOnline: boolean | undefined): OtherStatusVerdict {
    if (localOnline === undefined) return 'ignore';
    const status = parseOtherStatus(payload);
    if (!status || status.bridge === this.bridge) return 'ignore';
    if (localOnline) {
      // Both online: the other's connection is stale and will time out; its offline then triggers a reassert.
      if (status.online) return 'ignore';
      this.counters.reasserted++;
      return 'reassert';
    }
    if (!this.held.delete(id)) return 'ignore';
    this.counters.released++;
    return 'release';
  }
}
