/** TLS peers we did not write (openssl s_server) and a TCP listener that never accepts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { generateClientIdentity } from '../../../server/certs/generate.ts';
import { freePort, waitFor } from '../../support/ports.ts';

export interface Peer {
  port: number;
  stop(): Promise<void>;
}

/** An ECDSA P-256 server certificate for the peer (the meter's own, self-signed). */
export async function writeServerIdentity(dir: string): Promise<{ cert: string; key: string }> {
  const id = await generateClientIdentity({ subject: 'CN=itron-meter-test' });
  const cert = path.join(dir, 'server.pem');
  const key = path.join(dir, 'server.key');
  await writeFile(cert, id.certPem);
  await writeFile(key, id.keyPem, { mode: 0o600 });
  return { cert, key };
}

/** Copy crawl documents into `<root>/<url path>` so that `s_server -WWW` serves them. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [urlPath, body] of Object.entries(files)) {
    const file = path.join(root, urlPath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  }
}

/** `openssl s_server -tls1_2 -cipher … -Verify 1 -WWW` serving files from `cwd`. */
export async function opensslServer(opts: { cwd: string; cert: string; key: string; cipher?: string; extra?: string[] }): Promise<Peer> {
  const port = await freePort();
  const child = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-tls1_2',
      '-cipher',
      opts.cipher ?? 'ECDHE-ECDSA-AES128-CCM8',
      '-Verify',
      '1',
      '-WWW',
      '-cert',
      opts.cert,
      '-key',
      opts.key,
      ...(opts.extra ?? []),
    ],
    { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('ACCEPT'), { what: 'openssl s_server' });
  return { port, stop: () => stopChild(child) };
}

/** A TCP port whose accept queue is full: connects hang like an unreachable meter's. */
export async function blackHole(): Promise<Peer> {
  const child = spawn(
    'python3',
    [
      '-c',
      'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)',
    ],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const port = Number(await new Promise<string>((resolve) => child.stdout?.once('data', (d: Buffer) => resolve(d.toString()))));
  const fillers = [0, 1, 2].map(() => net.connect(port, '127.0.0.1').on('error', () => undefined));
  await new Promise((r) => setTimeout(r, 200));
  return {
    port,
    stop: async () => {
      for (const f of fillers) f.destroy();
      await stopChild(child);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}
