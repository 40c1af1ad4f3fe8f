// Registered with `node --import`: prints every heavy package a module graph resolves.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
const HEAVY = /node_modules\\/(serialport|@serialport|bonjour-service|multicast-dns|@peculiar)\\//;
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const m = HEAVY.exec(resolved.url);
  if (m) process.stdout.write('HEAVY ' + m[1] + '\\n');
  return resolved;
}`)}`,
);
