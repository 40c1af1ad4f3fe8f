/** A pair of connected pseudo-terminals made by socat: real serial device paths for tests. */
import { openSocatPty, type SocatPty } from '../../server/sim/socatPty.ts';

export class PtyPair {
  private constructor(private readonly pty: SocatPty) {}

  /** `a` and `b` are symlinks to the two PTYs; bytes written to one come out of the other. */
  static async open(): Promise<PtyPair> {
    return new PtyPair(await openSocatPty());
  }

  /** The end a driver opens, like /dev/ttyUSB0. */
  get a(): string {
    return this.pty.bridgePath;
  }

  /** The end a simulator opens. */
  get b(): string {
    return this.pty.simPath;
  }

  /** (Re)create both ends at the same paths, as a re-plugged adapter would appear. */
  reopen(): Promise<void> {
    return this.pty.reopen();
  }

  /** Remove both ends, as an unplugged adapter would. */
  close(): Promise<void> {
    return this.pty.close();
  }
}
