/** Before any test: the real parts (Mosquitto, socat, OpenSSL, Chromium) are installed. */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('bash', ['test/setup/install-system-deps.sh'], { stdio: 'inherit' });
}
