import type { z } from 'zod';

/** "mqtt.port: must be a port number; dlt645.listen_port: …" — names every field. */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
        .filter((p) => p !== '')
        .join('.')
        .replace(/\.\[/g, '[');
      return `${path || '(options)'}: ${issue.message}`;
    })
    .join('; ');
}
