/**
 * An IVY EM114070 4G meter dialing in (protocols/dlms-cosem.md §2, seeds/002 "DLMS OBIS
 * Registers"): it opens TCP to the gateway, sends its heartbeat `00 01 00 01 00 01 00 12`
 * + `0A 02 0C` + 12 address digits + `0D` + 2 check bytes, then answers AARQ, GET and RLRQ
 * in the wrapper and, if asked, pushes event-notifications (no time field) on the same
 * connection. It dials in again a second after the connection closes.
 */
import net from 'node:net';
import { ax, wrapped, x25 } from './wire.ts';

/** §6.1's published AARE: accepted, LN no ciphering, server max PDU 1224. */
const AARE_ACCEPTED = Buffer.from('6129a109060760857405080101a203020100a305a103020100be10040e0800065f1f0400001e1d04c80007', 'hex');
const RLRE = Buffer.from([0x63, 0x03, 0x80, 0x01, 0x00]);
const REDIAL_MS = 1000;
/** The meter's logical device and the wPort it pushes to. */
const METER_WPORT = 1;

interface IvyObject {
  classId: number;
  value: () => Buffer;
  scalerUnit?: Buffer;
}

/** What the gateway asked, in order: `AARQ`, `GET 1-0:12.7.0.255/2`, `RLRQ` … */
export type IvyRequest = string;

export interface IvyMeterSimOptions {
  host: string;
  port: number;
  /** 12 digits: the heartbeat's address, IVY's meterId. */
  address: string;
  /** Push an event-notification this often (0 or absent: only on `push()`). */
  pushIntervalMs?: number;
  /** Answer each request this much later (lets a test see whether requests overlap). */
  answerDelayMs?: number;
}

export class IvyMeterSim {
  readonly requests: IvyRequest[] = [];
  /** Most requests that were waiting for an answer at once. */
  maxInFlight = 0;
  connections = 0;
  /** Active power the meter reports, in W. */
  powerW = 118;
  private inFlight = 0;
  private socket: net.Socket | undefined;
  private pushTimer: NodeJS.Timeout | undefined;
  private redialTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly objects: Map<string, IvyObject>;

  constructor(private readonly opts: IvyMeterSimOptions) {
    if (!/^\d{12}$/.test(opts.address)) throw new Error('the IVY meter address must be 12 digits');
    const reg = (value: () => Buffer, scaler: number, unit: number): IvyObject => ({
      classId: 3,
      value,
      scalerUnit: ax.scalerUnit(scaler, unit),
    });
    const jitter = (base: number, spread: number) => Math.round(base + (Math.random() * 2 - 1) * spread);
    // The seed's registers with the scalers IVY uses: V ×0.01, A ×0.001, Hz ×0.01, PF ×0.001.
    this.objects = new Map<string, IvyObject>([
      ['1-0:1.7.0.255', reg(() => ax.u32(this.powerW), 0, 27)],
      ['1-0:3.7.0.255', reg(() => ax.u32(12), 0, 29)],
      ['1-0:9.7.0.255', reg(() => ax.u32(this.powerW + 2), 0, 28)],
      ['1-0:11.7.0.255', reg(() => ax.u32(Math.round((this.powerW / 236) * 1000)), -3, 33)],
      ['1-0:12.7.0.255', reg(() => ax.u32(jitter(23636, 50)), -2, 35)],
      ['1-0:13.7.0.255', reg(() => ax.u16(983), -3, 255)],
      ['1-0:14.7.0.255', reg(() => ax.u16(jitter(5000, 5)), -2, 44)],
      ['1-0:15.8.0.255', reg(() => ax.u32(1_234_567), 0, 30)],
      ['1-0:91.7.0.255', reg(() => ax.u32(20), -3, 33)],
      ['0-0:96.14.0.255', { classId: 1, value: () => ax.u8(1) }],
    ]);
  }

  /** The heartbeat; its check bytes' algorithm is not published, so X.25 stands in. */
  heartbeat(): Buffer {
    const body = Buffer.concat([Buffer.from([0x0a, 0x02, 0x0c]), Buffer.from(this.opts.address, 'latin1'), Buffer.from([0x0d])]);
    const check = Buffer.alloc(2);
    check.writeUInt16BE(x25(body));
    return wrapped(METER_WPORT, METER_WPORT, Buffer.concat([body, check]));
  }

  start(): void {
    this.stopped = false;
    this.dial();
    if (this.opts.pushIntervalMs) this.pushTimer = setInterval(() => this.push(), this.opts.pushIntervalMs);
  }

  private dial(): void {
    const socket = net.connect({ host: this.opts.host, port: this.opts.port });
    this.socket = socket;
    let buf = Buffer.alloc(0);
    socket.on('connect', () => {
      this.connections++;
      socket.write(this.heartbeat());
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const len = buf.readUInt16BE(6);
        if (buf.length < 8 + len) break;
        const client = buf.readUInt16BE(2);
        const apdu = buf.subarray(8, 8 + len);
        buf = buf.subarray(8 + len);
        this.request(socket, client, apdu);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      if (this.stopped) return;
      this.redialTimer = setTimeout(() => this.dial(), REDIAL_MS);
    });
  }

  private request(socket: net.Socket, client: number, apdu: Buffer): void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const answer = this.answer(apdu);
    setTimeout(() => {
      this.inFlight--;
      if (!socket.destroyed) socket.write(wrapped(METER_WPORT, client, answer));
    }, this.opts.answerDelayMs ?? 0);
  }

  private answer(apdu: Buffer): Buffer {
    if (apdu[0] === 0x60) {
      this.requests.push('AARQ');
      return AARE_ACCEPTED;
    }
    if (apdu[0] === 0x62) {
      this.requests.push('RLRQ');
      return RLRE;
    }
    if (apdu[0] !== 0xc0 || apdu[1] !== 0x01 || apdu.length < 12) {
      this.requests.push(`? ${apdu.subarray(0, 2).toString('hex')}`);
      return Buffer.from([0xd8, 0x01, 0x01]);
    }
    const iip = apdu.readUInt8(2);
    const classId = apdu.readUInt16BE(3);
    const o = [...apdu.subarray(5, 11)];
    const obis = `${o[0]}-${o[1]}:${o[2]}.${o[3]}.${o[4]}.${o[5]}`;
    const attribute = apdu[11];
    this.requests.push(`GET ${obis}/${attribute}`);
    const object = this.objects.get(obis);
    const data =
      object?.classId === classId ? (attribute === 2 ? object.value() : attribute === 3 ? object.scalerUnit : undefined) : undefined;
    // object-undefined for what this meter does not have, as the EM114070 scan shows.
    return data ? Buffer.concat([Buffer.from([0xc4, 0x01, iip, 0x00]), data]) : Buffer.from([0xc4, 0x01, iip, 0x01, 0x04]);
  }

  /** One event-notification (§6.4, without time): active power export, which GET does not offer. */
  push(exportW = 77): void {
    const descriptor = Buffer.from([0x00, 0x03, 1, 0, 2, 7, 0, 255, 0x02]);
    const apdu = Buffer.concat([Buffer.from([0xc2, 0x00]), descriptor, ax.u32(exportW)]);
    this.socket?.write(wrapped(METER_WPORT, METER_WPORT, apdu));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pushTimer);
    clearTimeout(this.redialTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }
}
