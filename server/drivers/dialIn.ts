/**
 * The hand-over on a dial-in port: a connection whose first bytes another protocol's
 * meter sends (the IVY EM114070's DLMS heartbeat on the DL/T 645 port) is given to that
 * protocol. The port keeps the socket, its connection limits and its byte and time budgets;
 * the other side reports its valid frames so the budgets count them.
 */
import type { DriverContext } from './types.ts';

/** What a session on someone else's port may do with the connection. */
export interface DialInLink {
  readonly ip: string;
  write(bytes: Buffer): void;
  /** A valid frame arrived: the port's byte and time budgets start over. */
  valid(): void;
  close(reason: string): void;
}

/** One meter that arrives this way; it outlives its connections, as a dial-in meter does. */
export interface DialInMeter {
  attach(link: DialInLink): void;
  receive(chunk: Buffer): void;
  /** Its connection closed (or was replaced). */
  detach(reason: string): void;
  stop(): void;
}

export interface DialInClaim {
  /** Named in logs: "IVY EM114070 (DLMS)". */
  readonly name: string;
  /**
   * From a connection's first bytes: the meter address they announce, `'more'` while they
   * may still turn out to be this protocol's, `null` when they are not. Looks at a bounded
   * prefix only.
   */
  recognise(head: Buffer): string | 'more' | null;
  /**
   * A meter of this protocol with this address, adopted by the port.
   * @param removed the user removed its device: the port forgets it (it may be adopted again).
   */
  open(address: string, removed: () => void): DialInMeter;
}

/** The listener's settings a dial-in meter is polled with. */
export interface DialInListener {
  /** Seconds between polls. */
  pollInterval: number;
  /** Seconds to wait for an answer. */
  timeout: number;
}

export type DialInClaimFactory = (ctx: DriverContext, listener: DialInListener) => DialInClaim;

export type DialInDecision = { claim: DialInClaim; address: string } | 'more' | null;

/** The one place that decides: the first claim to recognise the bytes takes the connection. */
export function decideDialIn(claims: readonly DialInClaim[], head: Buffer): DialInDecision {
  let undecided = false;
  for (const claim of claims) {
    const r = claim.recognise(head);
    if (r === 'more') undecided = true;
    else if (r !== null) return { claim, address: r };
  }
  return undecided ? 'more' : null;
}
