/**
 * A DLMS client over the wrapper: one request at a time, each answered within a timeout.
 * Association is LN without ciphering, with lowest-level security when a password is
 * given. `DlmsClient` speaks over any link; `DlmsTcpClient` opens its own TCP connection.
 */
import net from 'node:net';
import {
  DATA_ACCESS_RESULT,
  decodeApdu,
  encodeAarq,
  encodeGetRequest,
  encodeGetRequestNext,
  encodeReleaseRequest,
  type Apdu,
  type GetResult,
} from '../../protocols/dlms/apdu.ts';
import { readData } from '../../protocols/dlms/axdr.ts';
import { Cursor } from '../../protocols/dlms/cursor.ts';
import { SEGMENT_LIMITS } from '../../protocols/dlms/hdlc.ts';
import { ApduStream } from '../../protocols/dlms/apduStream.ts';
import { encodeWrapper } from '../../protocols/dlms/wrapper.ts';

export class DlmsClientError extends Error {}

/** The public client; meters bind a password (LLS) association to another, usually 17. */
export const PUBLIC_CLIENT = 16;
export const LLS_CLIENT = 17;
const MANAGEMENT_LD = 1;
const INVOKE = 0xc1;

/** What a poll needs of a client, whichever link it speaks over. */
export interface DlmsSessionClient {
  connect(): Promise<void>;
  associate(password?: string): Promise<void>;
  get(classId: number, obis: string, attribute: number): Promise<GetResult>;
  release(): Promise<void>;
  close(): void;
}

export class DlmsClient {
  private waiter: { resolve: (a: Apdu) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;

  /** @param send writes one wrapped request; false when the link is gone. */
  constructor(
    private readonly send: (bytes: Buffer) => boolean,
    protected readonly timeoutMs = 5000,
    protected readonly clientAddress = PUBLIC_CLIENT,
  ) {}

  /** An APDU from the meter: true when it answered the request under way. */
  answer(raw: Buffer): boolean {
    if (!this.waiter) return false;
    let apdu: Apdu;
    try {
      apdu = decodeApdu(raw);
    } catch (err) {
      this.fail(new DlmsClientError(`meter sent an undecodable answer: ${(err as Error).message}`));
      return false;
    }
    // Pushed notifications on the same link are not answers.
    if (apdu.type === 'data-notification' || apdu.type === 'event-notification') return false;
    const w = this.waiter;
    this.waiter = undefined;
    clearTimeout(w.timer);
    w.resolve(apdu);
    return true;
  }

  /** The request under way, if any, fails with `err` (the link closed). */
  fail(err: Error): void {
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private request(apdu: Buffer, what: string): Promise<Apdu> {
    return new Promise<Apdu>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new DlmsClientError(`no answer to ${what} within ${this.timeoutMs} ms`)), this.timeoutMs);
      this.waiter = { resolve, reject, timer };
      if (!this.send(encodeWrapper(this.clientAddress, MANAGEMENT_LD, apdu))) this.fail(new DlmsClientError('not connected'));
    });
  }

  /** Open the association; a rejection names the likely cause. */
  async associate(password?: string): Promise<void> {
    const answer = await this.request(
      encodeAarq({ password: password !== undefined ? Buffer.from(password, 'latin1') : undefined }),
      'AARQ',
    );
    if (answer.type !== 'aare') throw new DlmsClientError(`meter answered the AARQ with ${answer.type}`);
    if (answer.result !== 0) {
      // Meters answer a password sent from a client address they do not bind LLS to exactly as a wrong password.
      const cause =
        password !== undefined
          ? `wrong password, or the meter binds its password to another client_address than ${this.clientAddress}?`
          : 'the meter may need a password';
      throw new DlmsAssociationRejected(
        `association as client ${this.clientAddress} rejected (result ${answer.result}, diagnostic ${answer.diagnostic ?? '?'}): ${cause}`,
      );
    }
  }

  /** GET one attribute, following data blocks. */
  async get(classId: number, obis: string, attribute: number): Promise<GetResult> {
    let answer = await this.request(encodeGetRequest(INVOKE, classId, obis, attribute), `GET ${obis}`);
    const blocks: Buffer[] = [];
    let blockBytes = 0;
    while (answer.type === 'get-response-block') {
      if (!answer.result.ok) return { ok: false, error: answer.result.error };
      blocks.push(answer.result.raw);
      blockBytes += answer.result.raw.length;
      // A meter that never sends its last block must not grow the buffer without end.
      if (blockBytes > SEGMENT_LIMITS.bytes || blocks.length > SEGMENT_LIMITS.segments)
        throw new DlmsClientError(
          `meter sent more than ${SEGMENT_LIMITS.bytes} bytes or ${SEGMENT_LIMITS.segments} blocks for GET ${obis}`,
        );
      if (answer.last) return { ok: true, data: readData(new Cursor(Buffer.concat(blocks), 'data blocks')) };
      answer = await this.request(encodeGetRequestNext(INVOKE, answer.block), `GET ${obis} next block`);
    }
    if (answer.type === 'exception-response')
      throw new DlmsGetRefused(
        `meter refused GET ${obis} (exception ${answer.stateError}/${answer.serviceError})`,
        `exception-response ${answer.stateError}/${answer.serviceError}`,
      );
    if (answer.type !== 'get-response') throw new DlmsClientError(`meter answered GET ${obis} with ${answer.type}`);
    return answer.result;
  }

  async release(): Promise<void> {
    await this.request(encodeReleaseRequest(), 'RLRQ').catch(() => undefined);
  }
}

export class DlmsTcpClient extends DlmsClient implements DlmsSessionClient {
  private socket: net.Socket | undefined;
  private readonly stream = new ApduStream();

  constructor(
    private readonly host: string,
    private readonly port: number,
    timeoutMs = 5000,
    clientAddress = PUBLIC_CLIENT,
  ) {
    super((bytes) => this.write(bytes), timeoutMs, clientAddress);
  }

  private write(bytes: Buffer): boolean {
    const s = this.socket;
    if (!s || s.destroyed) return false;
    s.write(bytes);
    return true;
  }

  async connect(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const s = net.connect({ host: this.host, port: this.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new DlmsClientError(`cannot connect to ${this.host}:${this.port}: timed out`));
      }, this.timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new DlmsClientError(`cannot connect to ${this.host}:${this.port}: ${err.message}`));
      });
      this.socket = s;
    });
    const s = this.socket!;
    s.on('data', (chunk: Buffer) => {
      for (const item of this.stream.push(chunk)) if (item.kind === 'apdu') this.answer(item.apdu);
    });
    s.on('error', () => undefined);
    s.on('close', () => this.fail(new DlmsClientError(`${this.host}:${this.port} closed the connection`)));
  }

  close(): void {
    this.fail(new DlmsClientError('connection closed'));
    this.socket?.destroy();
    this.socket = undefined;
  }
}

export class DlmsAssociationRejected extends DlmsClientError {}

/** The meter answered a GET with an exception-response instead of data or a data-access-result. */
export class DlmsGetRefused extends DlmsClientError {
  constructor(
    message: string,
    /** Short form for a list of refusals: `exception-response 1/2`. */
    readonly answer: string,
  ) {
    super(message);
  }
}

export function accessResultName(code: number): string {
  return DATA_ACCESS_RESULT[code] ?? `data-access-result ${code}`;
}
