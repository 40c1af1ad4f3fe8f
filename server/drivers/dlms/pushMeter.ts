/** A meter that pushes telegrams (serial or TCP): decode, publish, and diagnose what arrives. */
import {
  DlmsAuthError,
  DlmsDecryptError,
  DlmsError,
  type DlmsFrameError,
  DlmsKeyMissingError,
  DlmsUnsupportedError,
} from '../../protocols/dlms/errors.ts';
import { SessionBoundary } from '../../core/sessionBoundary.ts';
import type { DlmsKeys } from '../../protocols/dlms/security.ts';
import { cipheredSystemTitle, decodeTelegram } from '../../protocols/dlms/telegram.ts';
import type { DriverContext } from '../types.ts';
import { MeterDevice } from './meterDevice.ts';
import type { DlmsMeter } from './options.ts';

export class PushMeter {
  readonly device: MeterDevice;
  /** The link's data handler, the silence timer and telegram handling run inside it. */
  readonly boundary: SessionBoundary;
  private readonly keys: DlmsKeys | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private lastFrameCounter: number | undefined;

  constructor(
    ctx: DriverContext,
    readonly cfg: DlmsMeter,
    where: string,
    describeLink: string,
  ) {
    this.device = new MeterDevice(ctx, cfg, where, {}, () => `no telegram for ${cfg.timeout} s on ${describeLink}`);
    this.keys = cfg.encryption_key
      ? {
          encryptionKey: Buffer.from(cfg.encryption_key, 'hex'),
          authenticationKey: cfg.authentication_key ? Buffer.from(cfg.authentication_key, 'hex') : undefined,
        }
      : undefined;
    this.boundary = new SessionBoundary({
      hub: ctx.hub,
      log: this.device.log,
      describe: () => `DLMS meter ${cfg.name ?? where}`,
      devices: () => (this.device.id ? [this.device.id] : []),
      halt: () => this.stop(),
      restart: () => {
        this.lastFrameCounter = undefined;
        this.device.restart();
        this.start();
      },
    });
  }

  start(): void {
    this.armSilence();
  }

  stop(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  /** Bytes arrived on the link: it is not silent, whatever they turn out to be. */
  activity(): void {
    this.armSilence();
  }

  private armSilence(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(
      this.boundary.guard(() => this.device.report(this.device.diag.silent())),
      this.cfg.timeout * 1000,
    );
    this.silenceTimer.unref();
  }

  onApdu(apdu: Buffer): void {
    // Telegrams wait for the restart: handling them now would report the meter good while it is in fault.
    if (this.boundary.isFaulted) return;
    const systemTitle = cipheredSystemTitle(apdu);
    if (systemTitle) this.device.identify({ systemTitle });
    try {
      const t = decodeTelegram(apdu, () => this.keys);
      if (t.frameCounter !== null) {
        if (this.lastFrameCounter !== undefined && t.frameCounter <= this.lastFrameCounter) {
          this.device.log.debug({ frameCounter: t.frameCounter }, 'DLMS frame counter did not increase (replayed or reset meter)');
        }
        this.lastFrameCounter = t.frameCounter;
      }
      this.device.publish(t.readings);
      this.device.report(this.device.diag.good());
    } catch (err) {
      this.onError(err, systemTitle);
    }
  }

  onFrameError(err: DlmsFrameError): void {
    this.device.report(this.device.diag.corrupt(err.message));
  }

  private onError(err: unknown, systemTitle: string | null): void {
    if (err instanceof DlmsKeyMissingError) this.device.report(this.device.diag.keyMissing(systemTitle));
    else if (err instanceof DlmsAuthError || err instanceof DlmsDecryptError)
      this.device.report(this.device.diag.decryptFailed(err.message));
    else if (err instanceof DlmsUnsupportedError) this.device.report(this.device.diag.unsupported(err.message));
    else if (err instanceof DlmsError) this.device.report(this.device.diag.corrupt(err.message));
    else this.boundary.fault(err);
  }
}
