import { apiUrl } from './urls.ts';

/** An API refusal, carrying the server's message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** JSON request to the bridge; a non-2xx answer throws ApiError with the server's message. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(apiUrl(path), {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!res.ok) {
    throw new ApiError(refusalMessage(data) || res.statusText || `HTTP ${res.status}`, res.status);
  }
  return data as T;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `{error}` from our routes; Fastify's own errors carry the detail in `message`. */
function refusalMessage(data: unknown): string {
  if (typeof data === 'string') return data;
  if (typeof data !== 'object' || data === null) return '';
  const { error, message, statusCode } = data as { error?: unknown; message?: unknown; statusCode?: unknown };
  if (typeof message === 'string' && (statusCode !== undefined || error === undefined)) return message;
  return typeof error === 'string' ? error : '';
}
