/**
 * The IVY EM114070 dialing in to the DL/T 645 port: recognised by its heartbeat, polled
 * over that same connection (per poll: AARQ, one GET at a time, RLRQ, all wrapped), and
 * its pushes taken from that connection too. Its device id is the heartbeat's 12-digit
 * address, IVY's meterId. The DL/T 645 driver adopts it (auto_adopt, max_meters,
 * adopt_per_minute) and keeps the connection's limits and budgets.
 */
import { ApduStream } from '../../protocols/dlms/apduStream.ts';
import { DlmsError } from '../../protocols/dlms/errors.ts';
import { ivyHeartbeatAt } from '../../protocols/dlms/ivy.ts';
import { decodeTelegram } from '../../protocols/dlms/telegram.ts';
import type { DialInClaim, DialInLink, DialInListener, DialInMeter } from '../dialIn.ts';
import type { DriverContext } from '../types.ts';
import { DlmsClient, DlmsClientError, type DlmsSessionClient, PUBLIC_CLIENT } from './client.ts';
import type { DlmsMeter } from './options.ts';
import { PollMeter } from './pollMeter.ts';

/** data-notification and event-notification: pushes, never answers. */
const PUSH_TAGS = new Set([0x0f, 0xc2]);

export function ivyDialInClaim(ctx: DriverContext, listener: DialInListener): DialInClaim {
  return {
    name: 'IVY EM114070 (DLMS)',
    recognise: ivyHeartbeatAt,
    open: (address, removed) => new IvyDialInMeter(ctx, listener, address, removed),
  };
}

/** A client on the meter's own connection: "connecting" only checks that it is still there. */
class LinkClient extends DlmsClient implements DlmsSessionClient {
  private open = true;

  constructor(link: DialInLink | undefined, timeoutMs: number) {
    super(
      (bytes) => {
        if (!this.open || !link) return false;
        link.write(bytes);
        return true;
      },
      timeoutMs,
      PUBLIC_CLIENT,
    );
    this.open = link !== undefined;
  }

  async connect(): Promise<void> {
    if (!this.open) throw new DlmsClientError('the meter is not connected');
  }

  /** The poll is over; the connection stays the meter's. */
  close(): void {
    this.fail(new DlmsClientError('poll ended'));
  }

  /** The connection went away. */
  end(reason: string): void {
    this.open = false;
    this.fail(new DlmsClientError(reason));
  }
}

export class IvyDialInMeter implements DialInMeter {
  readonly poll: PollMeter;
  private link: DialInLink | undefined;
  private client: LinkClient;
  private stream = new ApduStream(true);
  private started = false;
  private readonly timeoutMs: number;

  constructor(ctx: DriverContext, listener: DialInListener, address: string, removed: () => void) {
    const { pollInterval, timeout } = listener;
    this.timeoutMs = timeout * 1000;
    this.client = new LinkClient(undefined, this.timeoutMs);
    const cfg: DlmsMeter = {
      id: address,
      name: `IVY meter ${address}`,
      mode: 'poll',
      meter_type: 'generic',
      poll_interval: pollInterval,
      timeout: pollInterval,
    };
    this.poll = new PollMeter(ctx, cfg, `IVY meter ${address}`, {
      address: `IVY meter ${address} (dial-in)`,
      client: () => this.client,
      removed,
    });
  }

  get device(): PollMeter['device'] {
    return this.poll.device;
  }

  attach(link: DialInLink): void {
    this.client.end('replaced by a new connection');
    this.link = link;
    this.stream = new ApduStream(true);
    this.client = new LinkClient(link, this.timeoutMs);
    // A fresh connection is polled at once, not after the backoff of polls that found none.
    if (this.started) this.poll.stop();
    this.started = true;
    this.poll.start();
  }

  receive(chunk: Buffer): void {
    for (const item of this.stream.push(chunk)) {
      if (item.kind === 'heartbeat') this.link?.valid();
      else if (item.kind === 'error') this.device.report(this.device.diag.corrupt(item.error.message));
      else if (PUSH_TAGS.has(item.apdu[0] ?? -1)) this.onPush(item.apdu);
      else if (this.client.answer(item.apdu)) this.link?.valid();
    }
  }

  private onPush(apdu: Buffer): void {
    try {
      const telegram = decodeTelegram(apdu, () => undefined);
      this.device.publish(telegram.readings);
      this.device.report(this.device.diag.good());
      this.link?.valid();
    } catch (err) {
      if (!(err instanceof DlmsError)) throw err;
      this.device.report(this.device.diag.corrupt(err.message));
    }
  }

  detach(reason: string): void {
    this.link = undefined;
    this.client.end(reason);
    this.device.report(this.device.diag.unreachable(reason));
  }

  stop(): void {
    this.poll.boundary.dispose();
    this.poll.stop();
    this.client.end('bridge stopping');
  }
}
