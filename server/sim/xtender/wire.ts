/**
 * The simulator's own reading of the SCOM wire format (studer-scom.md §2–3), written apart
 * from server/protocols/scom so that a misunderstanding in one cannot hide in the other.
 */
export interface SimRequest {
  src: number;
  dst: number;
  serviceId: number;
  objectType: number;
  objectId: number;
  propertyId: number;
  value: Buffer;
  frameLength: number;
}

function fletcher(buf: Buffer): Buffer {
  let a = 0xff;
  let b = 0;
  for (const byte of buf) {
    a = (a + byte) % 256;
    b = (b + a) % 256;
  }
  return Buffer.from([a, b]);
}

/** Collects bytes from the DTE and yields the requests whose checksums hold; the rest is silently dropped, as the gateway does. */
export class SimFrameCollector {
  private pending = Buffer.alloc(0);

  feed(chunk: Buffer): SimRequest[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: SimRequest[] = [];
    for (;;) {
      const start = this.pending.indexOf(0xaa);
      if (start < 0) {
        this.pending = Buffer.alloc(0);
        break;
      }
      this.pending = this.pending.subarray(start);
      if (this.pending.length < 14) break;
      const header = this.pending.subarray(1, 12);
      if (!fletcher(header).equals(this.pending.subarray(12, 14))) {
        this.pending = this.pending.subarray(1);
        continue;
      }
      const length = this.pending.readUInt16LE(10);
      if (this.pending.length < 16 + length) break;
      const data = this.pending.subarray(14, 14 + length);
      const sum = this.pending.subarray(14 + length, 16 + length);
      const ok = fletcher(data).equals(sum) && length >= 10;
      if (ok) {
        out.push({
          src: this.pending.readUInt32LE(2),
          dst: this.pending.readUInt32LE(6),
          serviceId: data.readUInt8(1),
          objectType: data.readUInt16LE(2),
          objectId: data.readUInt32LE(4),
          propertyId: data.readUInt16LE(8),
          value: Buffer.from(data.subarray(10)),
          frameLength: 16 + length,
        });
        this.pending = this.pending.subarray(16 + length);
      } else {
        this.pending = this.pending.subarray(1);
      }
    }
    return out;
  }
}

/** A response frame: the request's header fields echoed, the answering device as source. */
export function responseFrame(req: SimRequest, frameFlags: number, from: number, payload: Buffer, error: boolean): Buffer {
  const data = Buffer.alloc(10 + payload.length);
  data[0] = error ? 0x03 : 0x02;
  data[1] = req.serviceId;
  data.writeUInt16LE(req.objectType, 2);
  data.writeUInt32LE(req.objectId, 4);
  data.writeUInt16LE(req.propertyId, 8);
  payload.copy(data, 10);
  const header = Buffer.alloc(14);
  header[0] = 0xaa;
  header[1] = frameFlags;
  header.writeUInt32LE(from, 2);
  header.writeUInt32LE(req.src, 6);
  header.writeUInt16LE(data.length, 10);
  fletcher(header.subarray(1, 12)).copy(header, 12);
  return Buffer.concat([header, data, fletcher(data)]);
}
