/**
 * A connection as the broker sees it, with packets over the size limit refused: the bytes
 * pass through as they arrive, and the connection is cut at the header of a packet that is
 * too large, so neither aedes nor mqtt-packet ever buffers its body.
 */
import { Duplex } from 'node:stream';
import { type FrameRefusal, MqttFrameSizes } from './mqttFrameSizes.ts';

export class PacketSizeGuard extends Duplex {
  private readonly frames: MqttFrameSizes;

  constructor(
    private readonly inner: Duplex,
    maxPacketBytes: number,
    onRefused: (refusal: FrameRefusal) => void,
  ) {
    super({ allowHalfOpen: false });
    this.frames = new MqttFrameSizes(maxPacketBytes);
    inner.on('data', (chunk: Buffer) => {
      const refusal = this.frames.feed(chunk);
      if (refusal) {
        onRefused(refusal);
        this.destroy();
        return;
      }
      if (!this.push(chunk)) inner.pause();
    });
    inner.once('end', () => this.push(null));
    // `on`, not `once`: an error event without a listener would take the process down.
    inner.on('error', (err) => this.destroy(err));
    inner.once('close', () => this.destroy());
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.inner.write(chunk, encoding, done);
  }

  override _final(done: () => void): void {
    this.inner.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.inner.destroy();
    done(err);
  }
}
