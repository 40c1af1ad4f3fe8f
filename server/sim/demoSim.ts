import type { Options } from '../options/schema.ts';

/** What a simulated device really is at this moment, for the chaos run's final check. */
export interface SimTruth {
  /** Device id as the bridge names it. */
  id: string;
  /** `online`, `asleep` (night) or `offline` (gone from the network/bus). */
  availability: 'online' | 'asleep' | 'offline';
  /** The simulator's current value of each energy counter, by the bridge's register key. */
  counters: Record<string, number>;
  /** Counters of `counters` that restart when the device starts a new day (a drop is then a reset, not a regression). */
  dailyCounters?: string[];
}

/** A fault the chaos run can inject into a simulator and later undo. */
export interface SimFault {
  name: string;
  inject(): Promise<void>;
  recover(): Promise<void>;
}

/**
 * A simulator started by `npm run demo` (and the chaos run): it runs on loopback and adds
 * the device(s) it simulates to the bridge's options.
 */
export interface DemoSim {
  kind: string;
  /** Add this simulator's devices to the options (mutates). */
  configure(options: Options): void;
  stop(): Promise<void>;
  /** Faults the chaos run may inject. */
  faults?(): SimFault[];
  /** The devices' real state now. */
  truth?(): SimTruth[];
  /** Stop counters advancing, so the chaos run can compare published values exactly. */
  freeze?(): void;
  /** TCP ports of the bridge's own listeners that this simulator talks to (garbage targets). */
  bridgeListeners?(options: Options): number[];
}

/** A fault the chaos run may inject again while it is active; `active` says whether it is in effect now. */
export interface OverlappingFault extends SimFault {
  readonly active: boolean;
  /** Settles once every step asked for so far has run. */
  readonly idle: Promise<void>;
}

/**
 * Chaos injections overlap, the same fault's too: `begin` runs on the first injection and
 * `end` once the last one is recovered. Steps run one at a time in the order asked, since
 * some (a reboot, an unplugged adapter) take a moment each way.
 */
export function overlappingFault(name: string, begin: () => void | Promise<void>, end: () => void | Promise<void>): OverlappingFault {
  let depth = 0;
  let idle: Promise<void> = Promise.resolve();
  const step = (run: () => void | Promise<void>): Promise<void> => {
    const next = idle.then(run);
    // A failed step is the caller's to see; the steps after it still run.
    idle = next.catch(() => undefined);
    return next;
  };
  return {
    name,
    get active() {
      return depth > 0;
    },
    get idle() {
      return idle;
    },
    inject: () =>
      step(async () => {
        if (++depth === 1) await begin();
      }),
    recover: () =>
      step(async () => {
        if (--depth === 0) await end();
      }),
  };
}
