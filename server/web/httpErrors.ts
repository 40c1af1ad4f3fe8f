/**
 * The refusals a route may throw, each with its status code. The web server's one error
 * handler maps them (and the errors of the modules the routes call) to a status by type;
 * anything else is a 500 whose details go to the log, never to the client.
 */
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { CertificateError, CertificateExistsError } from '../certs/inspect.ts';
import { CommandError, WritesOffError } from '../core/hub.ts';
import { issuePath } from '../options/errors.ts';
import { OptionsError } from '../options/load.ts';
import { SecretRestoreError } from './secrets.ts';

export abstract class HttpError extends Error {
  abstract readonly statusCode: number;
}

/** The request is wrong; the message names the field when one is to blame. */
export class BadRequestError extends HttpError {
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

export class ForbiddenError extends HttpError {
  readonly statusCode = 403;
}

export class NotFoundError extends HttpError {
  readonly statusCode = 404;
}

/** The thing to create exists already. */
export class ConflictError extends HttpError {
  readonly statusCode = 409;
}

/** What the client is told: a status and a message it may see. */
export interface Refusal {
  status: number;
  message: string;
}

export const INTERNAL_ERROR = 'internal error; the details are in the add-on log';

/** The status and client message of an error; a 500 says nothing of what went wrong. */
export function refusalOf(err: unknown): Refusal {
  if (err instanceof HttpError) return { status: err.statusCode, message: err.message };
  if (err instanceof WritesOffError) return { status: 403, message: err.message };
  if (err instanceof CertificateExistsError) return { status: 409, message: err.message };
  if (err instanceof CommandError || err instanceof OptionsError || err instanceof SecretRestoreError || err instanceof CertificateError)
    return { status: 400, message: err.message };
  if (hasZodFastifySchemaValidationErrors(err)) return { status: 400, message: validationMessage(err) };
  if (isFastifyClientError(err)) return { status: err.statusCode, message: err.message };
  return { status: 500, message: INTERNAL_ERROR };
}

/** "config: expected object", "querystring.key: …" — every issue of a schema check, naming its field. */
function validationMessage(err: { validation: { instancePath: string; message?: string }[]; validationContext?: string }): string {
  const part = err.validationContext === 'body' ? '' : (err.validationContext ?? '');
  return err.validation
    .map((issue) => `${issuePath(issue.instancePath.split('/').filter(Boolean), part) || part || 'body'}: ${issue.message ?? 'is invalid'}`)
    .join('; ');
}

/** Fastify's own 4xx errors (body too large, bad content type, unparsable JSON) carry a code. */
function isFastifyClientError(err: unknown): err is { statusCode: number; message: string } {
  if (!(err instanceof Error)) return false;
  const { statusCode, code } = err as { statusCode?: unknown; code?: unknown };
  return typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}
