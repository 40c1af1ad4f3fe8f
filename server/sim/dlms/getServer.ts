/**
 * A meter answering GET over the TCP wrapper (port 4059 style): AARQ with an optional
 * LLS password (§6.1), get-request-normal for attributes 2 and 3 (§6.2), release.
 * Unknown objects answer object-undefined, as the IVY EM114070 scan shows.
 *
 * Quirks of real meters (issue 15): `llsClient` binds the password association to one
 * client address (17 on most meters; the public client 16 is then rejected like a wrong
 * password), `refuseGets` answers every GET with that data-access-result, and
 * `endlessBlocks` answers every GET with data blocks that never end (a hostile meter).
 */
import net from 'node:net';
import { MeterModel } from './meterModel.ts';
import { wrapped } from './wire.ts';

const AARE_ACCEPTED = Buffer.from('6129a109060760857405080101a203020100a305a103020100be10040e0800065f1f0400001e1d04c80007', 'hex');
const AARE_REJECTED = Buffer.from('6129a109060760857405080101a203020101a305a10302010dbe10040e0800065f1f0400001e1d04c80007', 'hex');

export interface GetServerQuirks {
  /** The only client address the LLS association is accepted from. */
  llsClient?: number;
  /** A data-access-result code (3 read-write-denied, 4 object-undefined …) for every GET, or an exception-response. */
  refuseGets?: number | 'exception';
  endlessBlocks?: boolean;
}

export class DlmsGetServer {
  readonly model: MeterModel;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  requests = 0;

  constructor(
    logicalDeviceName: string,
    private readonly password?: string,
    private readonly quirks: GetServerQuirks = {},
  ) {
    this.model = new MeterModel(logicalDeviceName);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = net.createServer((s) => this.accept(s));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    return (server.address() as net.AddressInfo).port;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    let buf = Buffer.alloc(0);
    let associated = false;
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const len = buf.readUInt16BE(6);
        if (buf.length < 8 + len) break;
        const client = buf.readUInt16BE(2);
        const apdu = buf.subarray(8, 8 + len);
        buf = buf.subarray(8 + len);
        this.requests++;
        const answer = this.answer(apdu, client, associated, (ok) => (associated = ok));
        if (answer) socket.write(wrapped(1, client, answer));
      }
    });
  }

  private answer(apdu: Buffer, client: number, associated: boolean, setAssociated: (ok: boolean) => void): Buffer | null {
    switch (apdu[0]) {
      case 0x60: {
        const { llsClient } = this.quirks;
        const ok =
          this.password === undefined || (this.aarqPassword(apdu) === this.password && (llsClient === undefined || client === llsClient));
        setAssociated(ok);
        return ok ? AARE_ACCEPTED : AARE_REJECTED;
      }
      case 0x62:
        setAssociated(false);
        return Buffer.from([0x63, 0x03, 0x80, 0x01, 0x00]);
      case 0xc0: {
        if (apdu.length < 3) return Buffer.from([0xd8, 0x01, 0x01]);
        const iip = apdu.readUInt8(2);
        if (!associated) return Buffer.from([0xd8, 0x01, 0x02]);
        if (this.quirks.endlessBlocks) return this.nextBlock(iip);
        if (apdu[1] !== 0x01 || apdu.length < 13) return Buffer.from([0xc4, 0x01, iip, 0x01, 0xfa]);
        const classId = apdu.readUInt16BE(3);
        const obis = [...apdu.subarray(5, 11)];
        const text = `${obis[0]}-${obis[1]}:${obis[2]}.${obis[3]}.${obis[4]}.${obis[5]}`;
        const object = this.model.find(classId, text);
        const attribute = apdu[11];
        if (this.quirks.refuseGets === 'exception') return Buffer.from([0xd8, 0x01, 0x03]);
        if (this.quirks.refuseGets !== undefined) return Buffer.from([0xc4, 0x01, iip, 0x01, this.quirks.refuseGets]);
        if (!object) return Buffer.from([0xc4, 0x01, iip, 0x01, 0x04]);
        if (attribute === 2) {
          this.model.tick();
          return Buffer.concat([Buffer.from([0xc4, 0x01, iip, 0x00]), object.value()]);
        }
        if (attribute === 3 && object.scalerUnit) return Buffer.concat([Buffer.from([0xc4, 0x01, iip, 0x00]), object.scalerUnit]);
        return Buffer.from([0xc4, 0x01, iip, 0x01, 0x04]);
      }
      default:
        return Buffer.from([0xd8, 0x01, 0x01]);
    }
  }

  private blockNumber = 0;

  /** A get-response-with-datablock that is never the last one: 200 bytes of raw data each. */
  private nextBlock(iip: number): Buffer {
    const head = Buffer.from([0xc4, 0x02, iip, 0x00, 0, 0, 0, 0, 0x00, 0x81, 200]);
    head.writeUInt32BE(++this.blockNumber, 4);
    return Buffer.concat([head, Buffer.alloc(200, 0x11)]);
  }

  /** The LLS password: calling-authentication-value `AC len 80 len <password>`. */
  private aarqPassword(aarq: Buffer): string | undefined {
    for (let i = 2; i + 3 < aarq.length; ) {
      const tag = aarq.readUInt8(i);
      const len = aarq.readUInt8(i + 1);
      if (tag === 0xac && aarq[i + 2] === 0x80) return aarq.subarray(i + 4, i + 4 + aarq.readUInt8(i + 3)).toString('latin1');
      i += 2 + len;
    }
    return undefined;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
