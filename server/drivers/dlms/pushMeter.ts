/** A meter that pushes telegrams (serial or TCP): decode, publish, and diagnose what arrives. */
import {
  DlmsAuthError,
  DlmsDecryptError,
  DlmsError,
  type DlmsFrameError,
  DlmsKeyMissingError,
  DlmsUnsupportedError,
} from '../../protocols/dlms/errors.ts';
import type { SessionBoundary } from '../../core/sessionBoundary.ts';
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
  private replaying = false;

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
    this.boundary = this.device.sessionBoundary({
      halt: () => this.stop(),
      restart: () => {
        this.lastFrameCounter = undefined;
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

  /**
   * Whether a ciphered telegram from a system title no meter is configured with is this
   * meter's: only a meter with a key and no system title yet can claim one, and only if
   * the telegram decrypts with that key. Anything else must not touch this meter.
   */
  claims(apdu: Buffer): boolean {
    if (!this.keys || this.device.systemTitle) return false;
    try {
      decodeTelegram(apdu, () => this.keys);
      return true;
    } catch {
      return false;
    }
  }

  /** Decode, publish and diagnose one telegram; true when it decoded. */
  onApdu(apdu: Buffer): boolean {
    // Telegrams wait for the restart (handling them now would report the meter good while it
    // is in fault); the frame itself was valid, so the connection is not charged for it.
    if (this.boundary.isFaulted) return true;
    const systemTitle = cipheredSystemTitle(apdu);
    if (systemTitle) this.device.identify({ systemTitle });
    try {
      const t = decodeTelegram(apdu, () => this.keys);
      if (t.frameCounter !== null) this.checkFrameCounter(t.frameCounter);
      this.device.publish(t.readings);
      this.device.report(this.device.diag.good());
      return true;
    } catch (err) {
      this.onError(err, systemTitle);
      return false;
    }
  }

  /** A frame counter that does not increase is a replay (or a meter reset): one warning event per episode. */
  private checkFrameCounter(frameCounter: number): void {
    const last = this.lastFrameCounter;
    this.lastFrameCounter = frameCounter;
    if (last === undefined || frameCounter > last) {
      this.replaying = false;
      return;
    }
    if (this.replaying) return;
    this.replaying = true;
    const message = `DLMS frame counter ${frameCounter} did not increase (last ${last}): a replayed telegram, or the meter was reset`;
    this.device.log.warn({ frameCounter, last }, message);
    this.device.handle?.event({ type: 'warning', event: 'dlms_frame_counter_replay', message });
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
