/**
 * One HTTP GET to the inverter with Basic auth and a deadline. Connection-level failures
 * (refused, timed out, no route) are `unreachable`: at night the inverter's web server is
 * simply off. Everything the server does answer is returned, whatever its status.
 */
import http from 'node:http';
import https from 'node:https';

export class UnreachableError extends Error {}

export interface HttpTarget {
  /** `ip`, `ip:port`, `host` or a full `http(s)://` base URL. */
  host: string;
  username?: string;
  password?: string;
  timeoutMs: number;
  /** Ends a request in flight at once (the session stops). */
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  bytes: Buffer;
}

/** Pages are a few kB; anything much bigger is not a PIKO. */
export const MAX_ANSWER_BYTES = 1 << 20;

/** Thrown when a host sends more than MAX_ANSWER_BYTES: reading stops and the socket is destroyed. */
export class AnswerTooLargeError extends Error {
  constructor(host: string) {
    super(`the answer from ${host} is larger than ${MAX_ANSWER_BYTES / (1 << 20)} MB: not a Kostal PIKO?`);
  }
}
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTDOWN', 'EPIPE']);

export function baseUrl(host: string): URL {
  return new URL(/^https?:\/\//i.test(host) ? host : `http://${host}`);
}

export function httpGet(target: HttpTarget, path: string): Promise<HttpAnswer> {
  const url = new URL(path, baseUrl(target.host));
  const headers: Record<string, string> = { Connection: 'close' };
  if (target.password !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${target.username ?? ''}:${target.password}`, 'latin1').toString('base64')}`;
  }
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const stopped = (): void => fail(new Error('stopped'));
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      target.signal?.removeEventListener('abort', stopped);
      req.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new UnreachableError(`no answer within ${target.timeoutMs / 1000} s`)), target.timeoutMs);
    const req = lib.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // A declared length over the cap fails before any body byte is read.
      if (Number(res.headers['content-length']) > MAX_ANSWER_BYTES) {
        fail(new AnswerTooLargeError(url.host));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) fail(new AnswerTooLargeError(url.host));
        else chunks.push(chunk);
      });
      res.on('error', (err) => fail(new Error(`the answer broke off: ${err.message}`)));
      res.on('aborted', () => fail(new Error('the answer broke off')));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        target.signal?.removeEventListener('abort', stopped);
        resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) });
      });
    });
    if (target.signal?.aborted) stopped();
    else target.signal?.addEventListener('abort', stopped, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      if (UNREACHABLE_CODES.has(code))
        fail(new UnreachableError(`${code === 'ECONNREFUSED' ? 'connection refused' : code} at ${url.host}`));
      else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') fail(new Error(`host name ${url.hostname} not found`));
      else fail(new Error(`${url.host}: ${err.message}`));
    });
  });
}
