/**
 * Many deadlines on one Node timer. Ten thousand meters each with a poll, a request timeout
 * and an idle check would otherwise hold three `Timeout` objects apiece and allocate a new
 * one for every request; here each owner keeps one small `Deadline` it re-arms, in a binary
 * heap ordered by due time, and a single unreferenced timer waits for the earliest.
 */

/** One owner's deadline: armed at most once at a time, re-armed without allocating. */
export class Deadline {
  /** Due time (ms since the epoch); meaningful while armed. */
  at = 0;
  /** Position in the heap, -1 while not armed. */
  index = -1;

  constructor(readonly fire: () => void) {}

  get armed(): boolean {
    return this.index >= 0;
  }
}

export class DeadlineQueue {
  private readonly heap: Deadline[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires; Infinity while none is set. */
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Deadlines armed now. */
  get size(): number {
    return this.heap.length;
  }

  /** Arm `d` to fire after `delayMs`, moving it if it was armed already. */
  arm(d: Deadline, delayMs: number): void {
    const at = this.now() + Math.max(0, delayMs);
    if (d.index >= 0) {
      const earlier = at < d.at;
      d.at = at;
      if (earlier) this.up(d.index);
      else this.down(d.index);
    } else {
      d.at = at;
      d.index = this.heap.length;
      this.heap.push(d);
      this.up(d.index);
    }
    this.schedule();
  }

  cancel(d: Deadline): void {
    const i = d.index;
    if (i < 0) return;
    d.index = -1;
    const last = this.heap.pop() as Deadline;
    if (last !== d) {
      this.heap[i] = last;
      last.index = i;
      this.up(i);
      this.down(last.index);
    }
    // The timer may now fire early; it then finds nothing due and waits for the next.
  }

  private schedule(): void {
    const head = this.heap[0];
    if (!head || head.at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = head.at;
    this.timer = setTimeout(() => this.fireDue(), Math.max(0, head.at - this.now()));
    // Like the per-owner timers this replaces: sockets and servers keep the process alive, not polls.
    this.timer.unref();
  }

  private fireDue(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    let failure: { err: unknown } | undefined;
    for (let head = this.heap[0]; head && head.at <= now; head = this.heap[0]) {
      this.cancel(head);
      try {
        head.fire();
      } catch (err) {
        // One owner's throw must not keep the others from firing; it still ends the process,
        // as a throw from its own timer would.
        failure ??= { err };
      }
    }
    this.schedule();
    if (failure) {
      const { err } = failure;
      process.nextTick(() => {
        throw err;
      });
    }
  }

  private up(i: number): void {
    const heap = this.heap;
    const d = heap[i] as Deadline;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as Deadline;
      if (parent.at <= d.at) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = d;
    d.index = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const d = heap[i] as Deadline;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (heap[right] as Deadline).at < (heap[left] as Deadline).at ? right : left;
      const c = heap[child] as Deadline;
      if (c.at >= d.at) break;
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = d;
    d.index = i;
  }
}

/** The process's one queue: every poll loop, request timeout and idle check shares its timer. */
export const deadlines = new DeadlineQueue();
