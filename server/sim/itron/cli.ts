/**
 * `wattwire sim itron [--port 8081] [--host 0.0.0.0] [--register LFDI]... [--register-cert FILE]
 * [--any] [--refusal http401|close] [--hang] [--tou] [--no-mdns] [--cert FILE --key FILE]`. SIGUSR1
 * toggles the hung agent. `--cert/--key` give the meter a fixed identity (its LFDI).
 */
import { readFileSync } from 'node:fs';
import { createHash, X509Certificate } from 'node:crypto';
import { parseArgs } from 'node:util';
import { advertiseMeter } from './advertise.ts';
import { startItronSim, type Refusal } from './server.ts';

export async function runSimCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8081' },
      host: { type: 'string', default: '0.0.0.0' },
      register: { type: 'string', multiple: true, default: [] },
      'register-cert': { type: 'string', multiple: true, default: [] },
      any: { type: 'boolean', default: false },
      refusal: { type: 'string', default: 'http401' },
      hang: { type: 'boolean', default: false },
      tou: { type: 'boolean', default: false },
      'no-mdns': { type: 'boolean', default: false },
      cert: { type: 'string' },
      key: { type: 'string' },
    },
  });
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
