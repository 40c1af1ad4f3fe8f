/**
 * `wattwire sim dlms`: a pushing meter (TCP or serial/PTY) and/or a meter answering GET.
 *
 *   wattwire sim dlms --push-to 127.0.0.1:4059 --security auth-encrypt --key 000102… --interval 5
 *   wattwire sim dlms --serial /dev/pts/5 --framing mbus --security encrypt
 *   wattwire sim dlms --get-port 4059 --password 12345678
 *   wattwire sim dlms --ivy-dial 127.0.0.1:8899 --ivy-address 000000000001 --ivy-push 10
 */
import { DlmsGetServer } from './getServer.ts';
import { IvyMeterSim } from './ivyMeterSim.ts';
import { DlmsPushSim, type Fault, type Framing } from './pushSim.ts';
import type { Security } from './wire.ts';
import { parseSimFlags, simUsage, type SimFlag } from '../simFlags.ts';

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

const FLAGS = {
  'push-to': { type: 'string', value: 'HOST:PORT', help: 'push telegrams to this TCP listener' },
  serial: { type: 'string', value: 'PATH', help: 'push telegrams on this serial device or PTY' },
  framing: { type: 'string', default: 'wrapper', value: 'wrapper|hdlc|mbus', help: 'framing of pushed telegrams' },
  security: { type: 'string', default: 'auth-encrypt', value: 'none|encrypt|auth-encrypt', help: 'security of pushed telegrams' },
  'system-title': { type: 'string', default: SIM_DEFAULTS.systemTitle, value: 'HEX16', help: "the meter's system title" },
  key: { type: 'string', default: SIM_DEFAULTS.encryptionKey, value: 'HEX32', help: 'encryption key' },
  'auth-key': { type: 'string', default: SIM_DEFAULTS.authenticationKey, value: 'HEX32', help: 'authentication key' },
  interval: { type: 'string', default: '5', value: 'SECONDS', help: 'seconds between pushes' },
  fault: { type: 'string', default: 'none', value: 'NAME', help: 'line fault: none, corrupt, garbage, silent, wrong-key, replay' },
  payload: { type: 'string', default: 'cosem', value: 'cosem|dsmr', help: 'telegram content: COSEM registers or Smarty/DSMR text' },
  'get-port': { type: 'string', value: 'PORT', help: 'also answer GET requests on this TCP port' },
  password: { type: 'string', value: 'TEXT', help: 'LLS password the GET server asks for' },
  'lls-client': { type: 'string', value: 'N', help: 'the client address the password is bound to (default: any)' },
  'refuse-gets': {
    type: 'string',
    value: 'CODE|exception',
    help: 'refuse every GET with this data-access-result, or an exception-response',
  },
  ldn: { type: 'string', default: 'SIM1100100000035', value: 'NAME', help: 'logical device name' },
  'ivy-dial': {
    type: 'string',
    value: 'HOST:PORT',
    help: 'dial in as an IVY EM114070 (heartbeat, then answer AARQ/GET/RLRQ) to this port, e.g. the DL/T 645 one',
  },
  'ivy-address': { type: 'string', default: '000000000001', value: 'DIGITS12', help: "the IVY meter's 12-digit address" },
  'ivy-push': { type: 'string', default: '0', value: 'SECONDS', help: 'the IVY meter also pushes this often (0: never)' },
} as const satisfies Record<string, SimFlag>;

const ABOUT =
  'A DLMS/COSEM meter pushing telegrams (--push-to or --serial) and/or answering GET (--get-port), or an IVY EM114070 dialing in (--ivy-dial).';

export async function runSimCli(argv: string[]): Promise<void> {
  const values = parseSimFlags('dlms', argv, FLAGS, ABOUT);
  if (!values) return;
  if (!values['push-to'] && !values.serial && !values['get-port'] && !values['ivy-dial']) {
    console.log(simUsage('dlms', FLAGS, ABOUT));
    process.exitCode = 2;
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
    console.log(`starts with ${values.fault === 'none' ? 'no fault' : `fault ${values.fault}`}`);
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
  if (values['ivy-dial']) {
    const [host, port] = values['ivy-dial'].split(':');
    if (!host || !Number(port)) throw new Error('--ivy-dial must be HOST:PORT');
    const pushSeconds = Number(values['ivy-push']);
    if (!(pushSeconds >= 0)) throw new Error('--ivy-push must be a number of seconds');
    const sim = new IvyMeterSim({ host, port: Number(port), address: values['ivy-address']!, pushIntervalMs: pushSeconds * 1000 });
    sim.start();
    stops.push(() => sim.stop());
    console.log(
      `IVY EM114070 ${values['ivy-address']} dialing in to ${values['ivy-dial']}${pushSeconds > 0 ? `, pushing every ${pushSeconds} s` : ''}`,
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all(stops.map((s) => s()));
}
