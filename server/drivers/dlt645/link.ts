/**
 * One physical link (a DTU's TCP connection or an RS-485 port): frames in through the
 * extractor, requests out one at a time (the bus is half duplex), each with a timeout.
 */
import { EventEmitter } from 'node:events';
import { Dlt645FrameExtractor } from '../../protocols/dlt645/extractor.ts';
import { encodeFrame, type Dlt645Frame } from '../../protocols/dlt645/frame.ts';
import type { DtuFilter } from '../../protocols/dlt645/dtu.ts';
import { Deadline, deadlines } from '../../core/deadlines.ts';

export interface LinkTransport {
  write(bytes: Uint8Array): void;
}

export class LinkClosedError extends Error {}
export class RequestTimeoutError extends Error {}

/** Counters summed over every link of the driver, closed ones included. */
export interface LinkTotals {
  frames: number;
  badFrames: number;
  garbageBytes: number;
  timeouts: number;
}

interface Job {
  bytes: Uint8Array;
  match: (frame: Dlt645Frame) => boolean;
  timeoutMs: number;
  /** The chunk count when it was written: a reply comes in a later chunk, never in that one. */
  writtenAtChunk?: number;
  resolve: (frame: Dlt645Frame) => void;
  reject: (err: Error) => void;
}

/** Wake-up bytes in front of each request; meters expect up to four. */
const PREAMBLE = 4;

export class Dlt645Link extends EventEmitter<{ frame: [Dlt645Frame] }> {
  readonly extractor = new Dlt645FrameExtractor();
  timeouts = 0;
  private transport: LinkTransport | undefined;
  private readonly queue: Job[] = [];
  private active: Job | undefined;
  /** The active request's timeout (one request at a time, so one deadline a link). */
  private readonly answerDue = new Deadline(() => this.timedOut());
  private chunks = 0;

  constructor(
    readonly name: string,
    private readonly timeoutMs: number,
    private readonly totals: LinkTotals,
    private readonly filter?: DtuFilter,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.transport !== undefined;
  }

  attach(transport: LinkTransport): void {
    this.transport = transport;
    this.extractor.reset();
  }

  /** The transport is gone: fail the request under way and every queued one. */
  detach(reason: string): void {
    this.transport = undefined;
    const jobs = this.active ? [this.active, ...this.queue] : [...this.queue];
    this.queue.length = 0;
    this.active = undefined;
    deadlines.cancel(this.answerDue);
    for (const job of jobs) job.reject(new LinkClosedError(reason));
  }

  receive(chunk: Uint8Array): void {
    const chunkNo = ++this.chunks;
    const bytes = this.filter ? this.filter.filter(chunk) : chunk;
    if (bytes.length === 0) return;
    const s = this.extractor.stats;
    const garbage = s.garbageBytes;
    const bad = s.badFrames;
    const frames = this.extractor.push(bytes);
    this.totals.frames += frames.length;
    this.totals.badFrames += s.badFrames - bad;
    this.totals.garbageBytes += s.garbageBytes - garbage;
    for (const frame of frames) {
      // A frame that came with (or triggered) a request cannot answer it: it was sent before the request.
      const job = this.active;
      const answers = job !== undefined && job.writtenAtChunk !== undefined && job.writtenAtChunk < chunkNo && job.match(frame);
      this.emit('frame', frame);
      if (answers && this.active === job) this.finish(job, frame);
    }
  }

  /** Send `frame` when the link is free; resolves with the first frame `match` accepts. */
  request(frame: Dlt645Frame, match: (reply: Dlt645Frame) => boolean, timeoutMs = this.timeoutMs): Promise<Dlt645Frame> {
    if (!this.transport) return Promise.reject(new LinkClosedError(`${this.name} is not connected`));
    return new Promise((resolve, reject) => {
      this.queue.push({ bytes: encodeFrame(frame, PREAMBLE), match, timeoutMs, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.active || !this.transport) return;
    const job = this.queue.shift();
    if (!job) return;
    this.active = job;
    deadlines.arm(this.answerDue, job.timeoutMs);
    job.writtenAtChunk = this.chunks;
    this.transport.write(job.bytes);
  }

  private timedOut(): void {
    const job = this.active;
    if (!job) return;
    this.timeouts++;
    this.totals.timeouts++;
    this.finish(job, new RequestTimeoutError(`no answer within ${job.timeoutMs} ms`));
  }

  private finish(job: Job, result: Dlt645Frame | Error): void {
    if (this.active === job) {
      this.active = undefined;
      deadlines.cancel(this.answerDue);
    }
    if (result instanceof Error) job.reject(result);
    else job.resolve(result);
    this.next();
  }
}
