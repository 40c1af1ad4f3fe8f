/**
 * `wattwire sim dlms`: a pushing meter (TCP or serial/PTY) and/or a meter answering GET.
 *
 *   wattwire sim dlms --push-to 127.0.0.1:4059 --security auth-encrypt --key 000102… --interval 5
 *   wattwire sim dlms --serial /dev/pts/5 --framing mbus --security encrypt
 *   wattwire sim dlms --get-port 4059 --password 12345678
 */
import { parseArgs } from 'node:util';
import { DlmsGetServer } from './getServer.ts';
import { DlmsPushSim, type Fault, type Framing } from './pushSim.ts';
import type { Security } from './wire.ts';

export const SIM_DEFAULTS = {
  systemTitle: '4B464D1010000023',
  encryptionKey: '101112131415161718191A1B1C1D1E1F',
  authenticationKey: 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
};

function hexArg(value: string, bytes: number, name: string): Buffer {
  if (!new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(value)) throw new Error(`--${name} must be ${bytes * 2} hexadecimal characters`);
  return Buffer.from(value, 'hex');
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export async function runSimCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'push-to': { type: 'string' },
      serial: { type: 'string' },
      framing: { type: 'string', default: 'wrapper' },
      security: { type: 'string', default: 'auth-encrypt' },
      'system-title': { type: 'string', default: SIM_DEFAULTS.systemTitle },
      key: { type: 'string', default: SIM_DEFAULTS.encryptionKey },
      'auth-key': { type: 'string', default: SIM_DEFAULTS.authenticationKey },
      interval: { type: 'string', default: '5' },
      fault: { type: 'string', default: 'none' },
      payload: { type: 'string', default: 'cosem' },
      'get-port': { type: 'string' },
      password: { type: 'string' },
      'lls-client': { type: 'string' },
      'refuse-gets': { type: 'string' },
      ldn: { type: 'string', default: 'SIM1100100000035' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || (!values['push-to'] && !values.serial && !values['get-port'])) {
    console.log(
      'usage: wattwire sim dlms [--push-to HOST:PORT | --serial PATH] [--framing wrapper|hdlc|mbus] [--security none|encrypt|auth-encrypt]\n' +
        '  [--system-title HEX16] [--key HEX32] [--auth-key HEX32] [--interval SECONDS] [--fault none|corrupt|garbage|silent|wrong-key|replay] [--payload cosem|dsmr]\n' +
        '  [--get-port PORT] [--password TEXT] [--lls-client N] [--refuse-gets CODE|exception] [--ldn NAME]',
    );
    return;
  }
  const stops: (() => Promise<void>)[] = [];
  if (values['push-to'] || values.serial) {
    let target: { host: string; port: number } | { serialPath: string };
    if (values.serial) target = { serialPath: values.serial };
    else {
      const [host, port] = values['push-to']!.split(':');
      if (!host || !Number(port)) throw new Error('--push-to must be HOST:PORT');
      target = { host, port: Number(port) };
    }
    const sim = new DlmsPushSim({
      target,
      framing: oneOf<Framing>(values.framing!, ['wrapper', 'hdlc', 'mbus'], 'framing'),
      security: oneOf<Security>(values.security!, ['none', 'encrypt', 'auth-encrypt'], 'security'),
      systemTitle: hexArg(values['system-title']!, 8, 'system-title'),
      encryptionKey: hexArg(values.key!, 16, 'key'),
      authenticationKey: hexArg(values['auth-key']!, 16, 'auth-key'),
      intervalMs: Math.max(0.1, Number(values.interval)) * 1000,
      payload: oneOf<'cosem' | 'dsmr'>(values.payload!, ['cosem', 'dsmr'], 'payload'),
      fault: oneOf<Fault>(values.fault!, ['none', 'corrupt', 'garbage', 'silent', 'wrong-key', 'replay'], 'fault'),
      logicalDeviceName: values.ldn,
    });
    await sim.start();
    stops.push(() => sim.stop());
    console.log(
      `DLMS push meter ${values['system-title']} sending ${values.security} ${values.framing} telegrams every ${values.interval} s to ${values.serial ?? values['push-to']}`,
    );
  }
  if (values['get-port']) {
    const server = new DlmsGetServer(values.ldn!, values.password, {
      llsClient: values['lls-client'] ? Number(values['lls-client']) : undefined,
      refuseGets: values['refuse-gets'] === 'exception' ? 'exception' : values['refuse-gets'] ? Number(values['refuse-gets']) : undefined,
    });
    const port = await server.listen(Number(values['get-port']), '0.0.0.0');
    stops.push(() => server.stop());
    console.log(`DLMS meter ${values.ldn} answering GET on TCP port ${port}${values.password ? ' (LLS password required)' : ''}`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all(stops.map((s) => s()));
}
