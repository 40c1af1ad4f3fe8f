/** Feeds bytes from one link into an APDU stream and hands the results to a push meter. */
import { ApduStream, type StreamItem } from '../../protocols/dlms/apduStream.ts';
import type { Logger } from '../../core/logger.ts';
import type { PushMeter } from './pushMeter.ts';

/** A pause this long ends a telegram burst: a half frame before it will never complete. */
const GAP_MS = 1000;

export class LinkReader {
  private readonly stream: ApduStream;
  private lastData = 0;

  /**
   * @param tcp unframed APDUs may arrive one per segment (IVY EM114070).
   * @param valid called for each telegram a meter decoded and each heartbeat (a connection's budget).
   * @param log for what arrives before the link is bound to a meter (an IVY heartbeat).
   */
  constructor(
    private readonly route: (apdu: Buffer | null) => PushMeter | undefined,
    tcp = false,
    private readonly valid: () => void = () => undefined,
    private readonly log?: Logger,
  ) {
    this.stream = new ApduStream(tcp);
  }

  feed(chunk: Buffer, now = Date.now()): void {
    if (this.stream.pending > 0 && now - this.lastData > GAP_MS) this.handle(this.stream.flush());
    this.lastData = now;
    this.route(null)?.activity();
    this.handle(this.stream.push(chunk));
  }

  private handle(items: StreamItem[]): void {
    for (const item of items) {
      if (item.kind === 'apdu') {
        const meter = this.route(item.apdu);
        meter?.activity();
        if (meter?.onApdu(item.apdu)) this.valid();
      } else if (item.kind === 'error') {
        this.route(null)?.onFrameError(item.error);
      } else {
        this.valid();
        // Sent once when an IVY EM114070 connects; its DLMS identity comes later from its telegrams.
        (this.route(null)?.device.log ?? this.log)?.info({ address: item.address }, 'IVY meter connected (heartbeat)');
      }
    }
  }
}
