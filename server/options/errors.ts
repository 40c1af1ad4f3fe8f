import type * as z from 'zod';

/** "mqtt.port: must be a port number; dlt645.listen_port: …" — names every field. */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  return error.issues.map((issue) => `${issuePath(issue.path, prefix) || '(options)'}: ${issue.message}`).join('; ');
}

/**
 * "port must be a port number; poll_interval must be at least 5" — for issues whose
 * messages are predicates (parsed with `optionIssueText`), relative to `prefix`.
 */
export function describeOptionIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  return issues.map((issue) => `${issuePath(issue.path, prefix) || '(options)'} ${issue.message}`).join('; ');
}

/** `mqtt.port`, `kostal[1].host`: a zod path as the options file spells it. */
export function issuePath(path: readonly PropertyKey[], prefix = ''): string {
  return [prefix, ...path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
    .filter((p) => p !== '')
    .join('.')
    .replace(/\.\[/g, '[');
}
