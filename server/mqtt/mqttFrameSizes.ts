/**
 * Follows MQTT framing on a byte stream (fixed header, remaining length, body) without
 * buffering anything, so a packet over the limit is refused at the end of its length field (five bytes at most),
 * before any parser holds its body in memory. Linear in the bytes given; a body costs one
 * step per chunk however long it is.
 */

/** Why a stream was refused: the packet it announced, or a broken length field. */
export type FrameRefusal = { reason: 'too large'; size: number } | { reason: 'malformed remaining length' };

const HEADER = 0;
const LENGTH = 1;
const BODY = 2;

/** The remaining length takes at most four bytes (MQTT 3.1.1 §2.2.3, MQTT 5 §1.5.5). */
const MAX_LENGTH_BYTES = 4;

export class MqttFrameSizes {
  private state: typeof HEADER | typeof LENGTH | typeof BODY = HEADER;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private refused: FrameRefusal | undefined;
  /** Loop iterations so far: the work done, for tests. */
  steps = 0;

  /** @param maxPacketBytes the largest whole packet (fixed header included) let through. */
  constructor(private readonly maxPacketBytes: number) {}

  /** Account for `chunk`; a refusal is final: every later call returns it again. */
  feed(chunk: Uint8Array): FrameRefusal | undefined {
    let i = 0;
    while (i < chunk.length && !this.refused) {
      this.steps++;
      if (this.state === HEADER) {
        this.state = LENGTH;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        i++;
      } else if (this.state === LENGTH) {
        const b = chunk[i];
        // Never taken (the loop runs while i < chunk.length); narrows b without a default byte.
        if (b === undefined) break;
        i++;
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (b & 0x80) {
          if (this.lengthBytes === MAX_LENGTH_BYTES) this.refused = { reason: 'malformed remaining length' };
          continue;
        }
        // 1 byte of type and flags, the length bytes, then the body.
        const size = 1 + this.lengthBytes + this.length;
        if (size > this.maxPacketBytes) this.refused = { reason: 'too large', size };
        else if (this.length === 0) this.state = HEADER;
        else {
          this.bodyLeft = this.length;
          this.state = BODY;
        }
      } else {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= take;
        i += take;
        if (this.bodyLeft === 0) this.state = HEADER;
      }
    }
    return this.refused;
  }
}
