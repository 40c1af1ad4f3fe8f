import type { Options } from '../options/schema.ts';

/**
 * A simulator started by `npm run demo` (and the chaos run): it runs on loopback and adds
 * the device(s) it simulates to the bridge's options.
 */
export interface DemoSim {
  kind: string;
  /** Add this simulator's devices to the options (mutates). */
  configure(options: Options): void;
  stop(): Promise<void>;
}
