/**
 * The fleet bench's meters: a process of its own that speaks plain DL/T 645-2007 over TCP,
 * one connection per meter as a 4G DTU would, written from the protocol description
 * (/work/shared/protocols/dlt645.md) and importing nothing of Wattwire's, so that the bench
 * measures Wattwire against an independent peer and this process's CPU shows apart.
 *
 * Started with `fork` and a JSON config in argv[2]. Messages from the parent: `record`
 * starts logging every read answer (meter, DI, time), `dump` writes that log to a file and
 * answers `{ dumped: file }`, `stop` closes every connection and exits.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';

export interface FleetMetersConfig {
  port: number;
  host?: string;
  meters: number;
  firstAddress: number;
  /** Share of meters that say nothing until asked their address (0x13). */
  silentShare: number;
}

/** The DIs a three-phase meter answers: value bytes, decimals, nominal value and spread. */
interface DiSpec {
  di: number;
  bytes: number;
  decimals: number;
  signed: boolean;
  /** Energy counters rise with time; everything else wanders around `nominal`. */
  counter: boolean;
  nominal: number;
  spread: number;
}

const SPECS: DiSpec[] = [
  ...[0x00010000, 0x00010100, 0x00010200, 0x00020000].map((di) => ({
    di,
    bytes: 4,
    decimals: 2,
    signed: false,
    counter: true,
    nominal: 1000,
    spread: 0,
  })),
  ...[0x02030000, 0x02030100, 0x02030200, 0x02030300, 0x02040000, 0x02050000].map((di) => ({
    di,
    bytes: 3,
    decimals: 4,
    signed: true,
    counter: false,
    nominal: 1.5,
    spread: 0.5,
  })),
  ...[0x02010100, 0x02010200, 0x02010300].map((di) => ({
    di,
    bytes: 2,
    decimals: 1,
    signed: false,
    counter: false,
    nominal: 230,
    spread: 3,
  })),
  ...[0x02020100, 0x02020200, 0x02020300].map((di) => ({ di, bytes: 3, decimals: 3, signed: true, counter: false, nominal: 5, spread: 2 })),
  ...[0x02060000, 0x02060100, 0x02060200, 0x02060300].map((di) => ({
    di,
    bytes: 2,
    decimals: 3,
    signed: true,
    counter: false,
    nominal: 0.95,
    spread: 0.03,
  })),
  { di: 0x02800002, bytes: 2, decimals: 2, signed: false, counter: false, nominal: 50, spread: 0.05 },
];
const BY_DI = new Map(SPECS.map((s, i) => [s.di, i]));
/** Block reads (all three phases in one answer) and the single DIs they stand for. */
const BLOCKS = new Map<number, number[]>([
  [0x0201ff00, [0x02010100, 0x02010200, 0x02010300]],
  [0x0202ff00, [0x02020100, 0x02020200, 0x02020300]],
]);
const READ_DATA = 0x11;
const READ_ADDRESS = 0x13;
const NO_DATA = 0x02;
const CONNECT_BATCH = 200;
const RECONNECT_MS = 1000;
const STARTED = Date.now();

/** Packed BCD, low byte first, the sign in the top bit of the last byte. */
function bcd(value: number, spec: { bytes: number; decimals: number; signed: boolean }): number[] {
  let n = Math.round(Math.abs(value) * 10 ** spec.decimals);
  const out: number[] = [];
  for (let i = 0; i < spec.bytes; i++) {
    const lo = n % 10;
    const hi = Math.floor(n / 10) % 10;
    out.push((hi << 4) | lo);
    n = Math.floor(n / 100);
  }
  if (spec.signed && value < 0) out[spec.bytes - 1]! |= 0x80;
  return out;
}

function meterValue(spec: DiSpec, meter: number): number {
  const seconds = (Date.now() - STARTED) / 1000;
  if (spec.counter) return spec.nominal + meter * 0.01 + seconds * 0.001;
  return spec.nominal + spec.spread * Math.sin(seconds / 7 + meter);
}

function addressBytes(address: string): number[] {
  const out: number[] = [];
  for (let i = 10; i >= 0; i -= 2) out.push(Number.parseInt(address.slice(i, i + 2), 16));
  return out;
}

function frame(address: number[], control: number, data: number[]): Buffer {
  const bytes = [0x68, ...address, 0x68, control, data.length, ...data.map((b) => (b + 0x33) & 0xff)];
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return Buffer.from([...bytes, sum, 0x16]);
}

function diBytes(di: number): number[] {
  return [di & 0xff, (di >>> 8) & 0xff, (di >>> 16) & 0xff, (di >>> 24) & 0xff];
}

/** Answers a meter gave while recording: meter index, DI index into SPECS, time (ms). */
class AnswerLog {
  recording = false;
  private meter = new Uint32Array(1 << 16);
  private di = new Uint8Array(1 << 16);
  private at = new Float64Array(1 << 16);
  private n = 0;

  add(meter: number, di: number, at: number): void {
    if (!this.recording) return;
    if (this.n === this.at.length) this.grow();
    this.meter[this.n] = meter;
    this.di[this.n] = di;
    this.at[this.n] = at;
    this.n++;
  }

  /** Lines of `address di time`. */
  dump(file: string, firstAddress: number): void {
    const lines: string[] = [];
    for (let i = 0; i < this.n; i++) {
      const address = String(firstAddress + this.meter[i]!).padStart(12, '0');
      lines.push(`${address} ${SPECS[this.di[i]!]!.di.toString(16).padStart(8, '0').toUpperCase()} ${this.at[i]}`);
    }
    writeFileSync(file, lines.join('\n'));
  }

  private grow(): void {
    const size = this.at.length * 2;
    const meter = new Uint32Array(size);
    meter.set(this.meter);
    const di = new Uint8Array(size);
    di.set(this.di);
    const at = new Float64Array(size);
    at.set(this.at);
    this.meter = meter;
    this.di = di;
    this.at = at;
  }
}

class Meter {
  private socket: net.Socket | undefined;
  private pending = Buffer.alloc(0);
  private readonly address: number[];
  stopped = false;

  constructor(
    private readonly index: number,
    addressText: string,
    private readonly silent: boolean,
    private readonly config: FleetMetersConfig,
    private readonly log: AnswerLog,
  ) {
    this.address = addressBytes(addressText);
  }

  connect(): void {
    if (this.stopped) return;
    const socket = net.connect({ port: this.config.port, host: this.config.host ?? '127.0.0.1' });
    this.socket = socket;
    this.pending = Buffer.alloc(0);
    socket.setNoDelay(true);
    socket.on('connect', () => {
      // A DTU that polls its meter once on connect: the answer names the meter.
      if (!this.silent) socket.write(frame(this.address, 0x80 | READ_ADDRESS, this.address));
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (!this.stopped) setTimeout(() => this.connect(), RECONNECT_MS);
    });
  }

  close(): void {
    this.stopped = true;
    this.socket?.destroy();
  }

  private receive(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const start = buf.indexOf(0x68);
      if (start < 0) {
        buf = Buffer.alloc(0);
        break;
      }
      if (buf.length - start < 12) {
        buf = buf.subarray(start);
        break;
      }
      const len = buf[start + 9]!;
      if (buf[start + 7] !== 0x68) {
        buf = buf.subarray(start + 1);
        continue;
      }
      if (buf.length - start < 12 + len) {
        buf = buf.subarray(start);
        break;
      }
      let sum = 0;
      for (let i = start; i < start + 10 + len; i++) sum = (sum + buf[i]!) & 0xff;
      if (sum !== buf[start + 10 + len] || buf[start + 11 + len] !== 0x16) {
        buf = buf.subarray(start + 1);
        continue;
      }
      this.request(buf.subarray(start + 1, start + 7), buf[start + 8]!, buf.subarray(start + 10, start + 10 + len));
      buf = buf.subarray(start + 12 + len);
    }
    this.pending = Buffer.from(buf);
  }

  private request(to: Buffer, control: number, scrambled: Buffer): void {
    const wildcard = to.every((b) => b === 0xaa);
    const mine = to.every((b, i) => b === this.address[i]);
    if (control === READ_ADDRESS && wildcard) {
      this.socket?.write(frame(this.address, 0x80 | READ_ADDRESS, this.address));
      return;
    }
    if (control !== READ_DATA || !mine || scrambled.length < 4) return;
    const d = [...scrambled.subarray(0, 4)].map((b) => (b - 0x33) & 0xff);
    const di = (d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24)) >>> 0;
    const members = BLOCKS.get(di) ?? [di];
    const specs = members.map((m) => BY_DI.get(m));
    if (specs.some((s) => s === undefined)) {
      this.socket?.write(frame(this.address, 0xc0 | READ_DATA, [NO_DATA]));
      return;
    }
    const value = (specs as number[]).flatMap((s) => bcd(meterValue(SPECS[s]!, this.index), SPECS[s]!));
    this.socket?.write(frame(this.address, 0x80 | READ_DATA, [...diBytes(di), ...value]));
    const now = Date.now();
    for (const s of specs as number[]) this.log.add(this.index, s, now);
  }
}

function run(config: FleetMetersConfig): void {
  const log = new AnswerLog();
  const meters: Meter[] = [];
  for (let i = 0; i < config.meters; i++) {
    const address = String(config.firstAddress + i).padStart(12, '0');
    // Every n-th meter silent, so the share is exact and the same in every run.
    const silent = config.silentShare > 0 && i % Math.round(1 / config.silentShare) === 0;
    meters.push(new Meter(i, address, silent, config, log));
  }
  let next = 0;
  const batch = () => {
    for (const end = Math.min(next + CONNECT_BATCH, meters.length); next < end; next++) meters[next]!.connect();
    if (next < meters.length) setTimeout(batch, 20);
  };
  batch();
  process.on('message', (msg: { cmd: string; file?: string }) => {
    if (msg.cmd === 'record') log.recording = true;
    else if (msg.cmd === 'dump' && msg.file) {
      log.recording = false;
      log.dump(msg.file, config.firstAddress);
      process.send?.({ dumped: msg.file });
    } else if (msg.cmd === 'stop') {
      for (const m of meters) m.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

run(JSON.parse(process.argv[2]!) as FleetMetersConfig);
