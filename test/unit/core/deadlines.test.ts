/**
 * Many deadlines on one timer: each fires once, in order of due time, whatever order they
 * were armed, moved and cancelled in; a throw from one leaves the others firing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deadline, DeadlineQueue } from '../../../server/core/deadlines.ts';
import { waitFor } from '../../support/ports.ts';

/** A queue on a hand-moved clock; `fireDue` is reached through the timer it sets, so the clock only needs to pass the deadline. */
function clockQueue() {
  let now = 1_000_000;
  const queue = new DeadlineQueue(() => now);
  return { queue, advance: (ms: number) => (now += ms) };
}

type Op = { kind: 'arm'; who: number; delay: number } | { kind: 'cancel'; who: number };

describe('DeadlineQueue', () => {
  it('fires what is due in order of due time, after any mix of arming, moving and cancelling', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('arm' as const), who: fc.nat(19), delay: fc.nat(40) }),
            fc.record({ kind: fc.constant('cancel' as const), who: fc.nat(19) }),
          ),
          { maxLength: 80 },
        ),
        async (ops: Op[]) => {
          const { queue, advance } = clockQueue();
          const fired: number[] = [];
          const owners = Array.from({ length: 20 }, (_, i) => new Deadline(() => fired.push(i)));
          const expected = new Map<number, number>();
          for (const op of ops) {
            const d = owners[op.who] as Deadline;
            if (op.kind === 'arm') {
              queue.arm(d, op.delay);
              expected.set(op.who, op.delay);
            } else {
              queue.cancel(d);
              expected.delete(op.who);
            }
          }
          expect(queue.size).toBe(expected.size);
          advance(1000);
          await waitFor(() => queue.size === 0, { timeoutMs: 5000 });
          const order = [...expected.entries()].sort((a, b) => a[1] - b[1]).map(([who]) => who);
          expect([...fired].sort()).toEqual([...order].sort());
          // Ties may fire in any order; otherwise earlier due first.
          const due = fired.map((who) => expected.get(who) as number);
          expect(due).toEqual([...due].sort((a, b) => a - b));
          for (const d of owners) expect(d.armed).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not fire a deadline before its time, and fires one re-armed later only at the later time', async () => {
    const { queue, advance } = clockQueue();
    const fired: string[] = [];
    const a = new Deadline(() => fired.push('a'));
    const b = new Deadline(() => fired.push('b'));
    queue.arm(a, 100);
    queue.arm(b, 200);
    queue.arm(a, 300);
    advance(250);
    await waitFor(() => fired.length === 1, { timeoutMs: 5000 });
    expect(fired).toEqual(['b']);
    expect(a.armed).toBe(true);
    advance(100);
    await waitFor(() => fired.length === 2, { timeoutMs: 5000 });
    expect(fired).toEqual(['b', 'a']);
  });

  it('fires the other deadlines when one throws, and the throw still reaches the process', async () => {
    const { queue, advance } = clockQueue();
    const fired: string[] = [];
    const uncaught: unknown[] = [];
    const catcher = (err: unknown) => uncaught.push(err);
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', catcher);
    try {
      queue.arm(
        new Deadline(() => {
          throw new Error('owner failed');
        }),
        10,
      );
      queue.arm(new Deadline(() => fired.push('after')), 20);
      advance(50);
      await waitFor(() => uncaught.length === 1, { timeoutMs: 5000 });
      expect(fired).toEqual(['after']);
      expect(String(uncaught[0])).toContain('owner failed');
    } finally {
      process.removeListener('uncaughtException', catcher);
      for (const l of listeners) process.on('uncaughtException', l);
    }
  });
});
