/**
 * One Xcom-232i link: open the port, start a session and scan the bus, poll the fast and
 * slow groups, and recover in-process. A device that stops answering goes offline; a batch
 * of implausible values marks its device faulty, is discarded and re-initialises the link
 * (the seed's bridge needed a restart for that), with backoff while the device keeps at it
 * (faultEpisodes.ts); a port that vanishes is watched for and reopened the
 * moment its path is back (a replugged adapter), a port that fails otherwise with backoff.
 */
import type { JsonObject } from '../types.ts';
import path from 'node:path';
import type { DeviceEvent, DeviceHandle, Hub, Reading } from '../../core/hub.ts';
import type { Logger } from '../../core/logger.ts';
import { PollLoop } from '../../core/scheduler.ts';
import { SerialReopen } from '../../core/serialReopen.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
import { XCOM_ADDRESS } from '../../protocols/scom/addresses.ts';
import { ObjectType, PropertyId } from '../../protocols/scom/constants.ts';
import { ScomErrorCode } from '../../protocols/scom/errors.ts';
import { decodeMessage, messageSeverity, messageText } from '../../protocols/scom/message.ts';
import { XtenderDevice } from './device.ts';
import { FaultEpisodes } from './faultEpisodes.ts';
import type { FlashWriteLedger } from './flashLedger.ts';
import { LinkClosed, ScomError, ScomLink, ScomTimeout } from './link.ts';
import { ValueFormatError } from './objects.ts';
import { type XtenderLink, xtenderListedKey } from './options.ts';
import { scanBus } from './scan.ts';
import { findImplausible } from './watchdog.ts';

export interface SessionDeps {
  hub: Hub;
  log: Logger;
  ledger: FlashWriteLedger;
}

/** The device did not answer (as opposed to: it answered something). */
function unreachable(err: unknown): boolean {
  if (err instanceof ScomTimeout || err instanceof LinkClosed) return true;
  return err instanceof ScomError && (err.code === ScomErrorCode.DEVICE_NOT_FOUND || err.code === ScomErrorCode.RESPONSE_TIMEOUT);
}

export class XtenderSession {
  readonly link: ScomLink;
  private readonly devices = new Map<string, XtenderDevice>();
  /** Devices the last scan did not find: not polled until a scan finds them again. */
  private readonly absent = new Set<string>();
  private readonly fastLoop: PollLoop;
  private readonly slowLoop: PollLoop;
  private readonly rescanLoop: PollLoop;
  private readonly reopen: SerialReopen;
  private connecting: Promise<void> | undefined;
  private stopped = false;
  private lastMessage = '';
  private readonly faults = new FaultEpisodes();
  /** The link as listed until a scan finds its devices, so a wrong port shows from the start. */
  private provisional: DeviceHandle | undefined;
  readonly stats = { reinits: 0, implausibleBatches: 0, lastError: '' as string, scans: 0, messages: 0 };

  constructor(
    readonly config: XtenderLink,
    private readonly deps: SessionDeps,
    /** The link and all its devices are one session: a defect in its handlers or polls faults them all. */
    private readonly boundary?: SessionBoundary,
  ) {
    this.reopen = new SerialReopen(config.serial_port, { initialMs: 500, maxMs: 30_000 });
    this.link = new ScomLink({
      path: config.serial_port,
      baudRate: config.baud,
      timeoutMs: config.timeout_ms,
      retries: config.retries,
      guard: (handler) => this.guard(handler),
    });
    this.link.on(
      'lost',
      this.guard((err: Error) => this.reinit(err.message)),
    );
    const onError = (err: unknown) => this.deps.log.debug({ err: (err as Error).message, port: config.serial_port }, 'xtender poll failed');
    this.fastLoop = new PollLoop(
      this.task(() => this.poll('fast')),
      { intervalMs: config.fast_poll_interval * 1000, onError },
    );
    this.slowLoop = new PollLoop(
      this.task(() => this.poll('slow')),
      {
        intervalMs: config.poll_interval * 1000,
        initialDelayMs: 50,
        onError,
      },
    );
    this.rescanLoop = new PollLoop(
      this.task(() => this.rescan()),
      {
        intervalMs: config.rescan_interval * 1000,
        initialDelayMs: config.rescan_interval * 1000,
        onError,
      },
    );
  }

  start(): void {
    this.stopped = false;
    if (this.devices.size === 0) this.listLink();
    this.connectInBoundary();
  }

  /** The hub ids of the devices found on this link (or of the link, before a scan found any). */
  deviceIds(): string[] {
    return this.provisional ? [this.provisional.id] : [...this.devices.keys()];
  }

  private listLink(): void {
    const port = path.basename(this.config.serial_port).replace(/[^A-Za-z0-9]+/g, '_');
    this.provisional = this.deps.hub.addDevice(
      {
        id: `xtender_${port}`,
        kind: 'xtender',
        listed: xtenderListedKey(this.config),
        name: `${this.config.name ? `${this.config.name} ` : ''}Xcom-232i link`,
        manufacturer: 'Studer Innotec',
        statusExtra: { serialPort: this.config.serial_port },
      },
      [],
    );
    this.provisional.setStatus('connecting');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reopen.cancel();
    this.stopLoops();
    await this.link.close();
    for (const dev of this.devices.values()) dev.hubHandle.setStatus('offline', 'bridge stopped');
  }

  diagnostics(): JsonObject {
    return {
      serialPort: this.config.serial_port,
      waitingForPort: this.reopen.portGone,
      baud: this.config.baud,
      open: this.link.isOpen,
      devices: [...this.devices.values()].map((d) => ({ id: d.id, address: d.address, family: d.family })),
      link: { ...this.link.stats, discardedBytes: this.link.discardedBytes },
      faultEpisodes: this.faults.snapshot(),
      ...this.stats,
    };
  }

  /** Close everything and start over: port, gateway session, bus scan. */
  reinit(reason: string): void {
    if (this.stopped || this.connecting) return;
    this.stats.reinits++;
    this.stats.lastError = reason;
    this.deps.log.warn({ port: this.config.serial_port, reason }, 'xtender link re-initialising');
    this.stopLoops();
    this.connectInBoundary();
  }

  private guard<A extends unknown[]>(handler: (...args: A) => void): (...args: A) => void {
    return this.boundary ? this.boundary.guard(handler) : handler;
  }

  private task(poll: () => Promise<void>): () => Promise<void> {
    return this.boundary ? this.boundary.poll(poll) : poll;
  }

  private connectInBoundary(): void {
    if (this.boundary) this.boundary.run(() => this.connect());
    else void this.connect();
  }

  private stopLoops(): void {
    this.fastLoop.stop();
    this.slowLoop.stop();
    this.rescanLoop.stop();
  }

  private connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      try {
        await this.link.open();
        await this.applyScan();
        if (this.stopped) {
          await this.link.close();
          return;
        }
        this.reopen.opened();
        this.fastLoop.start();
        this.slowLoop.start();
        this.rescanLoop.start();
      } catch (err) {
        const message = this.reopen.missing() ? `${this.config.serial_port} is not there (adapter unplugged?)` : (err as Error).message;
        this.stats.lastError = message;
        for (const dev of this.devices.values()) dev.hubHandle.setStatus('offline', `link down: ${message}`);
        this.provisional?.setStatus('fault', `link down: ${message}`);
        await this.link.close();
        if (!this.stopped) this.planReconnect(message);
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private planReconnect(message: string): void {
    const plan = this.reopen.schedule(() => this.connectInBoundary());
    if (plan.kind === 'backoff')
      this.deps.log.warn({ port: this.config.serial_port, err: message, retryMs: plan.delayMs }, 'xtender link failed; retrying');
    else if (plan.firstNotice)
      this.deps.log.warn({ port: this.config.serial_port }, 'xtender serial port is gone; reconnecting when it is back');
  }

  /** Scan the bus; register what is there, mark what is missing offline. */
  private async applyScan(): Promise<void> {
    const found = await scanBus(this.link);
    this.stats.scans++;
    const seen = new Set<string>();
    for (const f of found) {
      const probe = new XtenderDevice(f, this.link, this.deps.hub, this.config, this.deps.ledger);
      const dev = this.devices.get(probe.id) ?? probe;
      dev.found = f;
      this.devices.set(dev.id, dev);
      dev.register();
      seen.add(dev.id);
      this.absent.delete(dev.id);
      if (dev.family === 'xcom') this.publishGatewayFlags(dev);
    }
    if (this.provisional && this.devices.size > 0) {
      await this.deps.hub.removeDevice(this.provisional.id);
      this.provisional = undefined;
    }
    this.provisional?.setStatus('fault', 'no Studer device answered on the bus');
    for (const dev of this.devices.values()) {
      if (seen.has(dev.id)) continue;
      this.absent.add(dev.id);
      dev.hubHandle.setStatus('offline', `not found on the bus at address ${dev.address}`);
    }
    this.deps.log.info({ port: this.config.serial_port, devices: found.map((f) => `${f.family}@${f.address}`) }, 'xtender bus scanned');
  }

  private async rescan(): Promise<void> {
    if (this.connecting) return;
    await this.applyScan();
  }

  private publishGatewayFlags(dev: XtenderDevice): void {
    const flags = this.link.lastFlags;
    if (!flags) return;
    dev.hubHandle.publish([
      { key: 'sd_card_present', value: Number(flags.sdCardPresent) },
      { key: 'restarted', value: Number(flags.restarted) },
    ]);
    dev.hubHandle.setStatus('online');
  }

  /** The gateway holds a new message: read the newest and raise it on the device that emitted it. */
  private async readMessage(): Promise<void> {
    const data = await this.link.read({
      address: XCOM_ADDRESS,
      objectType: ObjectType.MESSAGE,
      objectId: 0,
      propertyId: PropertyId.MESSAGE,
    });
    const msg = decodeMessage(data);
    if (!msg.ok) {
      this.deps.log.warn({ err: msg.error }, 'xtender message undecodable');
      return;
    }
    const { type, source, timestamp } = msg.value;
    const key = `${source}:${timestamp}:${type}`;
    if (key === this.lastMessage) return;
    this.lastMessage = key;
    this.stats.messages++;
    const devices = [...this.devices.values()];
    const target = devices.find((d) => d.address === source && d.family !== 'xcom') ?? devices.find((d) => d.family === 'xcom');
    target?.hubHandle.event({
      type: messageSeverity(type),
      event: 'device_message',
      message: messageText(type),
      data: { code: type, source, timestamp: new Date(timestamp * 1000).toISOString() },
    });
  }

  /**
   * A batch from `dev` is discarded: mark it faulty and re-initialise the link if its fault
   * episode says so (true: the poll must stop, the link is going down).
   */
  private onBadBatch(dev: XtenderDevice, register: string | undefined, status: string, reinitReason: string, event?: DeviceEvent): boolean {
    const step = this.faults.fault(dev.id, register);
    if (step.first && event) dev.hubHandle.event(event);
    const retry = step.reinit ? '' : `; link re-initialised again at ${new Date(step.nextReinitAt).toISOString()} if it lasts`;
    dev.hubHandle.setStatus('fault', `${status}${retry}`);
    if (step.reinit) this.reinit(reinitReason);
    return step.reinit;
  }

  private async poll(group: 'fast' | 'slow'): Promise<void> {
    if (this.connecting) return;
    let answered = 0;
    let silent = 0;
    for (const dev of this.devices.values()) {
      if (dev.family === 'xcom' || this.absent.has(dev.id)) continue;
      let batch: Reading[];
      try {
        const started = Date.now();
        batch = await dev.poll(group);
        answered++;
        dev.hubHandle.diagnostics({ pollLatencyMs: Date.now() - started });
      } catch (err) {
        const message = (err as Error).message;
        if (unreachable(err)) {
          if (err instanceof ScomTimeout || err instanceof LinkClosed) silent++;
          dev.hubHandle.setStatus('offline', `not answering: ${message}`);
        } else if (err instanceof ValueFormatError) {
          // A value of the wrong size is as much nonsense as one out of bounds.
          answered++;
          if (this.onBadBatch(dev, undefined, message, `malformed value from ${dev.id}: ${message}`)) return;
        } else {
          answered++;
          dev.hubHandle.diagnostics({ lastError: message });
        }
        continue;
      }
      const bad = findImplausible(dev.registers, batch, dev.hubHandle.record?.state ?? {});
      if (bad) {
        this.stats.implausibleBatches++;
        const event = {
          type: 'warning' as const,
          event: 'implausible_value',
          message: `${bad.why}; readings discarded and the link re-initialised (then less and less often while it lasts)`,
          data: { register: bad.key, value: bad.value },
        };
        if (this.onBadBatch(dev, bad.key, `implausible value: ${bad.why}`, `implausible value from ${dev.id}: ${bad.why}`, event)) return;
        continue;
      }
      const keys = batch.map((b) => b.key);
      if (this.faults.healed(dev.id, keys)) this.deps.log.info({ id: dev.id }, 'xtender device answers plausible values again');
      dev.hubHandle.publish(batch);
      dev.hubHandle.setStatus('online');
    }
    const gateway = [...this.devices.values()].find((d) => d.family === 'xcom');
    if (gateway && answered > 0) this.publishGatewayFlags(gateway);
    if (answered > 0 && this.link.lastFlags?.messagePending) await this.readMessage();
    if (answered === 0 && silent > 0) this.reinit('the gateway stopped answering');
  }
}
