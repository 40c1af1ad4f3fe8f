/**
 * `wattwire sim itron [flags]`: an IEEE 2030.5 meter (`--help` lists the flags). SIGUSR1
 * toggles the hung agent. `--cert/--key` give the meter a fixed identity (its LFDI).
 */
import { readFileSync } from 'node:fs';
import { createHash, X509Certificate } from 'node:crypto';
import { advertiseMeter } from './advertise.ts';
import { startItronSim, type Refusal } from './server.ts';
import { parseSimFlags, type SimFlag } from '../simFlags.ts';

const FLAGS = {
  port: { type: 'string', default: '8081', value: 'N', help: 'TLS port of the meter' },
  host: { type: 'string', default: '0.0.0.0', value: 'ADDR', help: 'address to listen on' },
  register: { type: 'string', multiple: true, default: [], value: 'LFDI', help: 'a client LFDI the meter accepts' },
  'register-cert': { type: 'string', multiple: true, default: [], value: 'FILE', help: 'accept the client with this certificate' },
  any: { type: 'boolean', default: false, help: 'accept every client certificate' },
  refusal: { type: 'string', default: 'http401', value: 'http401|close', help: 'how an unregistered client is refused' },
  hang: { type: 'boolean', default: false, help: 'start hung: accept connections, answer nothing (SIGUSR1 toggles)' },
  tou: { type: 'boolean', default: false, help: 'report time-of-use tiers' },
  'no-mdns': { type: 'boolean', default: false, help: 'do not advertise _smartenergy._tcp over mDNS' },
  cert: { type: 'string', value: 'FILE', help: "the meter's certificate (a fixed LFDI; with --key)" },
  key: { type: 'string', value: 'FILE', help: "the meter's private key" },
} as const satisfies Record<string, SimFlag>;

export async function runSimCli(argv: string[]): Promise<void> {
  const values = parseSimFlags('itron', argv, FLAGS, 'An Itron/IEEE 2030.5 meter over TLS. SIGUSR1 toggles the hung agent.');
  if (!values) return;
  if (values.refusal !== 'http401' && values.refusal !== 'close') throw new Error('--refusal must be http401 or close');
  const fromCerts = values['register-cert'].map((f) =>
    createHash('sha256')
      .update(new X509Certificate(readFileSync(f)).raw)
      .digest('hex')
      .slice(0, 40),
  );
  const sim = await startItronSim({
    port: Number(values.port),
    host: values.host,
    registered: values.any ? 'any' : [...values.register, ...fromCerts],
    refusal: values.refusal as Refusal,
    hang: values.hang,
    touTiers: values.tou,
    ...(values.cert && values.key
      ? { identity: { certPem: readFileSync(values.cert, 'utf8'), keyPem: readFileSync(values.key, 'utf8') } }
      : {}),
  });
  const ad = values['no-mdns'] ? null : advertiseMeter({ lfdi: sim.lfdi, port: sim.port });
  console.log(`itron sim: https://${sim.host}:${sim.port} (TLS 1.2, ECDHE-ECDSA-AES128-CCM8, client certificate required)`);
  console.log(
    `meter LFDI ${sim.lfdi}; registered clients: ${values.any ? 'any' : [...values.register, ...fromCerts].join(', ') || 'none (use --register LFDI or --any)'}`,
  );
  if (ad) console.log('advertised as _smartenergy._tcp over mDNS');
  console.log(
    `starts ${values.hang ? 'hung (connections accepted, nothing answered)' : 'answering'}; unregistered clients: ${values.refusal === 'close' ? 'connection closed' : 'HTTP 401'}`,
  );
  let hung = values.hang;
  process.on('SIGUSR1', () => {
    hung = !hung;
    sim.setHang(hung);
    console.log(hung ? 'agent hung: connections accepted, nothing answered' : 'agent answering again');
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await ad?.stop();
  await sim.stop();
}
