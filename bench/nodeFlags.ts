/** The Node flags the add-on's service starts the bridge with, so that the soak and the chaos run measure the process users run. */
import { readFileSync } from 'node:fs';

const RUN_SCRIPT = new URL('../rootfs/etc/s6-overlay/s6-rc.d/wattwire/run', import.meta.url);

export function productionNodeFlags(): string[] {
  const line = /^exec node ((?:--\S+ )*)server\/cli\.js /m.exec(readFileSync(RUN_SCRIPT, 'utf8'));
  if (!line) throw new Error(`cannot find "exec node … server/cli.js" in ${RUN_SCRIPT.pathname}`);
  return line[1]!.split(' ').filter(Boolean);
}
