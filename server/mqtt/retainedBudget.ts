/**
 * A bound on the embedded broker's retained store (aedes keeps it in memory): topics and
 * bytes. A retained message that does not fit is still delivered, but not kept, so no
 * client can grow the store without end, and the bridge is never disconnected for it.
 */
export interface RetainedLimits {
  maxTopics: number;
  maxBytes: number;
}

/** Enough for thousands of devices' discovery, status and state; small next to a Pi's memory. */
export const DEFAULT_RETAINED_LIMITS: RetainedLimits = { maxTopics: 100_000, maxBytes: 64 * 1024 * 1024 };

export class RetainedBudget {
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly limits: RetainedLimits = DEFAULT_RETAINED_LIMITS) {}

  /**
   * Whether a retained message of `payloadBytes` on `topic` fits, counting it in if so. An
   * empty one clears the topic and always fits; a refused one leaves the stored value as it was.
   */
  admit(topic: string, payloadBytes: number): boolean {
    const previous = this.sizes.get(topic);
    if (payloadBytes === 0) {
      if (previous !== undefined) {
        this.sizes.delete(topic);
        this.bytes -= previous;
      }
      return true;
    }
    const size = Buffer.byteLength(topic) + payloadBytes;
    if (previous === undefined && this.sizes.size >= this.limits.maxTopics) return false;
    if (this.bytes - (previous ?? 0) + size > this.limits.maxBytes) return false;
    this.sizes.set(topic, size);
    this.bytes += size - (previous ?? 0);
    return true;
  }

  get usage(): { topics: number; bytes: number } {
    return { topics: this.sizes.size, bytes: this.bytes };
  }
}
