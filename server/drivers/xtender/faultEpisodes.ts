/**
 * Re-initialising the link cures a gateway whose device table went stale, not a sensor that
 * keeps reporting nonsense: re-initialising on every bad batch did it 16 times a second,
 * forever, with an event each time and nothing published. An episode lasts, per device,
 * from its first bad batch to its next good one: the first bad batch re-initialises at once
 * (and is the one that raises an event), the next ones only when a growing delay has passed.
 * Only a good batch that holds the register found bad ends it (the fast group does not hold
 * the battery voltage, say).
 */
import { Backoff } from '../../core/backoff.ts';

export interface FaultStep {
  /** The first bad batch of an episode: raise the event. */
  first: boolean;
  /** Re-initialise the link now; otherwise only discard the batch. */
  reinit: boolean;
  /** When the next re-initialisation is due. */
  nextReinitAt: number;
}

interface Episode {
  /** Undefined when no one register was to blame (a malformed answer): any good batch ends it. */
  register: string | undefined;
  backoff: Backoff;
  nextReinitAt: number;
  reinits: number;
}

export class FaultEpisodes {
  private readonly episodes = new Map<string, Episode>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly backoff = { initialMs: 5000, maxMs: 5 * 60_000 },
  ) {}

  /** A bad batch from `deviceId`, `register` the value found bad. */
  fault(deviceId: string, register?: string): FaultStep {
    const now = this.now();
    let episode = this.episodes.get(deviceId);
    const first = !episode;
    if (!episode) {
      episode = { register, backoff: new Backoff(this.backoff), nextReinitAt: now, reinits: 0 };
      this.episodes.set(deviceId, episode);
    }
    const reinit = now >= episode.nextReinitAt;
    if (reinit) {
      episode.reinits++;
      episode.nextReinitAt = now + episode.backoff.next();
    }
    return { first, reinit, nextReinitAt: episode.nextReinitAt };
  }

  /** A good batch from `deviceId` with these registers: true when it ends an episode. */
  healed(deviceId: string, registers: readonly string[]): boolean {
    const episode = this.episodes.get(deviceId);
    if (!episode || (episode.register !== undefined && !registers.includes(episode.register))) return false;
    return this.episodes.delete(deviceId);
  }

  snapshot(): { device: string; register: string | undefined; reinits: number; nextReinitAt: string }[] {
    return [...this.episodes].map(([device, e]) => ({
      device,
      register: e.register,
      reinits: e.reinits,
      nextReinitAt: new Date(e.nextReinitAt).toISOString(),
    }));
  }
}
