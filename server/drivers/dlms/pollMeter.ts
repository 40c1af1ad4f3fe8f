/**
 * A meter polled with GET over the TCP wrapper: associate (LLS password if set), learn
 * identity from the logical device name, read each register's value (and its
 * scaler/unit once), release. Objects the meter does not have are skipped after the
 * first "object-undefined".
 */
import type { JsonObject } from '../types.ts';
import type { Reading } from '../../core/hub.ts';
import { PollLoop } from '../../core/scheduler.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import { makeReading, scalarValue, scalerUnitOf, type CosemReading, type ScalerUnit } from '../../protocols/dlms/readings.ts';
import { DlmsError } from '../../protocols/dlms/errors.ts';
import type { DriverContext } from '../types.ts';
import {
  accessResultName,
  DlmsAssociationRejected,
  DlmsGetRefused,
  type DlmsSessionClient,
  DlmsTcpClient,
  LLS_CLIENT,
  PUBLIC_CLIENT,
} from './client.ts';
import type { GetResult } from '../../protocols/dlms/apdu.ts';
import { MeterDevice } from './meterDevice.ts';
import type { DlmsMeter } from './options.ts';
import { mapReadings } from './readingMapper.ts';
import { DLMS_REGISTERS, type DlmsRegister } from './registers.ts';

const LDN = '0-0:42.0.0.255';
/** Answers meaning "this meter has no such object": stop asking. */
const ABSENT = new Set([4, 9, 11]);

/** A meter reached over a link it opened itself (a dial-in meter), instead of host:port. */
export interface PollTransport {
  /** Where it is, for messages: "IVY meter 000000000001 (dial-in)". */
  address: string;
  /** A client on the link as it is now; its `connect` fails while there is none. */
  client(): DlmsSessionClient;
  /** The hub's options key, if the meter has an options entry. */
  listed?: string;
  /** The user removed the device. */
  removed?: () => void;
}

export class PollMeter {
  readonly device: MeterDevice;
  readonly boundary: SessionBoundary;
  private readonly loop: PollLoop;
  private readonly scalerUnits = new Map<string, ScalerUnit | null>();
  private readonly absent = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly address: string;
  private readonly clientAddress: number;
  private active: DlmsSessionClient | undefined;

  constructor(
    ctx: DriverContext,
    readonly cfg: DlmsMeter,
    where: string,
    private readonly transport?: PollTransport,
  ) {
    this.address = transport?.address ?? `${cfg.host}:${cfg.port ?? 4059}`;
    this.clientAddress = cfg.client_address ?? (cfg.password !== undefined ? LLS_CLIENT : PUBLIC_CLIENT);
    this.device = new MeterDevice(
      ctx,
      cfg,
      where,
      { read: (keys) => this.read(keys), remove: transport?.removed },
      () => `no answer from ${this.address}`,
      transport ? { listed: transport.listed } : undefined,
    );
    this.boundary = this.device.sessionBoundary({ halt: () => this.stop(), restart: () => this.start() });
    this.loop = new PollLoop(
      this.boundary.poll(() => this.pollAll()),
      { intervalMs: cfg.poll_interval * 1000 },
    );
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    const running = this.loop.stop();
    this.active?.close();
    await running;
  }

  private async pollAll(): Promise<void> {
    const readings = await this.exclusive(() => this.session(DLMS_REGISTERS));
    this.device.publish(readings);
  }

  private async read(keys: string[]): Promise<Reading[]> {
    const regs = DLMS_REGISTERS.filter((r) => keys.includes(r.key));
    const cosem = await this.exclusive(() => this.session(regs));
    return mapReadings(cosem, new Set()).readings;
  }

  /** One association at a time: meters accept a single client. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async session(regs: readonly DlmsRegister[]): Promise<CosemReading[]> {
    const client = this.transport?.client() ?? new DlmsTcpClient(this.cfg.host!, this.cfg.port ?? 4059, undefined, this.clientAddress);
    this.active = client;
    try {
      try {
        await client.connect();
        await client.associate(this.cfg.password);
      } catch (err) {
        const msg = (err as Error).message;
        this.device.report(err instanceof DlmsAssociationRejected ? this.device.diag.rejected(msg) : this.device.diag.unreachable(msg));
        throw err;
      }
      if (!this.device.identified) await this.identify(client);
      const out: CosemReading[] = [];
      const refusals = new Map<string, number>();
      for (const reg of regs) {
        if (this.absent.has(reg.id)) continue;
        const r = await this.getOrRefusal(client, reg);
        if (!r.ok) {
          const name = typeof r.error === 'string' ? r.error : accessResultName(r.error);
          refusals.set(name, (refusals.get(name) ?? 0) + 1);
          if (typeof r.error === 'number' && ABSENT.has(r.error)) this.absent.add(reg.id);
          else this.device.log.debug({ obis: reg.id, result: name }, 'DLMS GET refused');
          continue;
        }
        out.push(makeReading(reg.id, r.data, reg.classId === 3 ? await this.scalerUnit(client, reg) : undefined));
      }
      await client.release();
      if (out.length === 0 && regs.length > 0) this.device.report(this.device.diag.readsRefused(this.describeRefusals(refusals)));
      else this.device.report(this.device.diag.good());
      return out;
    } catch (err) {
      if (err instanceof DlmsError) this.device.report(this.device.diag.corrupt(err.message));
      else if (this.device.diag.problem === 'ok') this.device.report(this.device.diag.unreachable((err as Error).message));
      throw err;
    } finally {
      client.close();
      this.active = undefined;
    }
  }

  /** A GET's result, with an exception-response as a refusal like a data-access-result (named by its codes). */
  private async getOrRefusal(client: DlmsSessionClient, reg: DlmsRegister): Promise<GetResult | { ok: false; error: string }> {
    try {
      return await client.get(reg.classId, reg.id, 2);
    } catch (err) {
      if (err instanceof DlmsGetRefused) return { ok: false, error: err.answer };
      throw err;
    }
  }

  /** "40 × read-write-denied (as client 16)": what a poll without any value got. */
  private describeRefusals(refusals: Map<string, number>): string {
    const counts = [...refusals].map(([name, n]) => `${n} × ${name}`).join(', ');
    return `${counts || 'every register was reported missing in earlier polls'} (as client ${this.clientAddress})`;
  }

  private async identify(client: DlmsSessionClient): Promise<void> {
    const ldn = await client.get(1, LDN, 2);
    const value = ldn.ok ? scalarValue(ldn.data) : null;
    if (typeof value === 'string' && value !== '') this.device.identify({ logicalDeviceName: value });
    else {
      const reason = `the meter at ${this.address} gives no logical device name; set "id" for it`;
      this.device.report(this.device.diag.rejected(reason));
      throw new Error(reason);
    }
  }

  private async scalerUnit(client: DlmsSessionClient, reg: DlmsRegister): Promise<ScalerUnit | undefined> {
    if (!this.scalerUnits.has(reg.id)) {
      const r = await client.get(3, reg.id, 3);
      this.scalerUnits.set(reg.id, r.ok ? (scalerUnitOf(r.data) ?? null) : null);
    }
    return this.scalerUnits.get(reg.id) ?? undefined;
  }

  diagnostics(): JsonObject {
    return { ...this.device.diagnostics(), address: this.address, absentObis: [...this.absent], pollErrors: this.loop.errors };
  }
}
