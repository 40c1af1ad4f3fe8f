/**
 * Waiters for the `N/` notification of one path: the read-back of a write or the answer to a
 * read. Each settles on the first matching value or rejects after its timeout.
 */
import type { GxValue } from '../../protocols/victron/payload.ts';

interface Waiter {
  accept: (value: GxValue) => boolean;
  resolve: (value: GxValue) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class EchoWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();

  wait(path: string, timeoutMs: number, timeoutMessage: string, accept: (value: GxValue) => boolean = () => true): Promise<GxValue> {
    return new Promise((resolve, reject) => {
      const set = this.waiting.get(path) ?? new Set<Waiter>();
      this.waiting.set(path, set);
      const waiter: Waiter = {
        accept,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(path, waiter);
          reject(new Error(timeoutMessage));
        }, timeoutMs),
      };
      set.add(waiter);
    });
  }

  /** A value arrived for `path`. */
  deliver(path: string, value: GxValue): void {
    const set = this.waiting.get(path);
    if (!set) return;
    for (const w of [...set]) {
      if (!w.accept(value)) continue;
      clearTimeout(w.timer);
      this.remove(path, w);
      w.resolve(value);
    }
  }

  rejectAll(reason: string): void {
    for (const [path, set] of this.waiting) {
      for (const w of set) {
        clearTimeout(w.timer);
        w.reject(new Error(reason));
      }
      this.waiting.delete(path);
    }
  }

  private remove(path: string, w: Waiter): void {
    const set = this.waiting.get(path);
    set?.delete(w);
    if (set?.size === 0) this.waiting.delete(path);
  }
}
