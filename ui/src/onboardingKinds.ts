/** What the onboarding wizard asks for each kind of device (mirrors the options schema). */
export type FieldType = 'text' | 'password' | 'number' | 'checkbox' | 'select' | 'serial';

export interface Field {
  key: string;
  label: string;
  type: FieldType;
  options?: string[];
  placeholder?: string;
  help?: string;
  required?: boolean;
  initial?: string | boolean;
}

export type Discovery = 'mdns' | 'serial' | 'pending' | 'host';

export interface KindSpec {
  kind: string;
  title: string;
  blurb: string;
  discovery: Discovery[];
  fields: Field[];
}

const name: Field = { key: 'name', label: 'Name', type: 'text', placeholder: 'shown in Home Assistant' };

export const KINDS: KindSpec[] = [
  {
    kind: 'itron',
    title: 'Itron smart meter (Xcel Energy Launchpad)',
    blurb: 'IEEE 2030.5 over HTTPS with this bridge’s certificate; register its LFDI with the utility first.',
    discovery: ['mdns'],
    fields: [
      name,
      { key: 'host', label: 'Meter address', type: 'text', placeholder: 'found by the scan, or an IP address' },
      { key: 'port', label: 'Port', type: 'number' },
      { key: 'lfdi', label: 'Meter LFDI (optional)', type: 'text', help: '40 hex digits; pins the meter’s identity' },
      { key: 'poll_interval', label: 'Poll interval (s)', type: 'number', initial: '10' },
    ],
  },
  {
    kind: 'kostal',
    title: 'Kostal PIKO inverter',
    blurb: 'Read over the inverter’s web pages (classic PIKO) or its dxs.json API.',
    discovery: ['host'],
    fields: [
      name,
      { key: 'host', label: 'Inverter address', type: 'text', required: true, placeholder: '192.168.1.50 or host:port' },
      { key: 'username', label: 'User name', type: 'text', initial: 'pvserver' },
      { key: 'password', label: 'Password', type: 'password', help: 'the factory password is pvwr' },
      {
        key: 'generation',
        label: 'Interface',
        type: 'select',
        options: ['auto', 'classic', 'dxs'],
        initial: 'auto',
        help: 'auto tries the dxs.json API, then the classic page',
      },
      { key: 'poll_interval', label: 'Poll interval (s)', type: 'number', initial: '30' },
      { key: 'night_power', label: 'At night, power is', type: 'select', options: ['zero', 'unavailable'], initial: 'zero' },
    ],
  },
  {
    kind: 'victron',
    title: 'Victron GX (Venus OS)',
    blurb: 'The GX device’s MQTT broker on the LAN, or the VRM cloud broker.',
    discovery: ['host'],
    fields: [
      name,
      { key: 'host', label: 'GX address', type: 'text', placeholder: 'venus.local or an IP address' },
      { key: 'port', label: 'Port', type: 'number' },
      { key: 'tls', label: 'TLS (port 8883)', type: 'checkbox' },
      { key: 'portal_id', label: 'VRM portal id', type: 'text', help: '12 hex digits; found on the GX or in VRM' },
      { key: 'vrm', label: 'Use the VRM cloud broker', type: 'checkbox' },
      { key: 'username', label: 'VRM user name', type: 'text' },
      { key: 'password', label: 'VRM password', type: 'password' },
      { key: 'token', label: 'VRM access token', type: 'password', help: 'instead of the password' },
      { key: 'allow_writes', label: 'Allow writes', type: 'checkbox' },
    ],
  },
  {
    kind: 'xtender',
    title: 'Studer Xtender / VarioTrack / BSP',
    blurb: 'Through an Xcom-232i on a serial port.',
    discovery: ['serial'],
    fields: [
      name,
      { key: 'serial_port', label: 'Serial port', type: 'serial', required: true },
      { key: 'baud', label: 'Baud rate', type: 'select', options: ['38400', '115200'], initial: '38400' },
      { key: 'poll_interval', label: 'Poll interval (s)', type: 'number', initial: '10' },
      { key: 'allow_writes', label: 'Allow writes', type: 'checkbox' },
    ],
  },
  {
    kind: 'dlt645',
    title: 'DL/T 645 meter',
    blurb: 'Meters dialing in through a 4G/GPRS DTU are offered below once they call; RS-485 meters need their serial port.',
    discovery: ['pending', 'serial'],
    fields: [
      { key: 'address', label: 'Meter address', type: 'text', required: true, placeholder: '12 digits' },
      name,
      { key: 'serial_port', label: 'Serial port (RS-485 only)', type: 'serial' },
      { key: 'baud', label: 'Baud rate', type: 'select', options: ['', '1200', '2400', '4800', '9600'] },
      { key: 'parity', label: 'Parity', type: 'select', options: ['', 'even', 'none', 'odd'] },
    ],
  },
  {
    kind: 'dlms',
    title: 'DLMS/COSEM meter',
    blurb: 'Push meters dialing in are offered below once they call; polled meters need a serial port or a host.',
    discovery: ['pending', 'serial'],
    fields: [
      name,
      { key: 'id', label: 'Id (optional)', type: 'text' },
      { key: 'mode', label: 'Mode', type: 'select', options: ['push', 'poll'], initial: 'push' },
      {
        key: 'meter_type',
        label: 'Meter type',
        type: 'select',
        options: ['generic', 'austria_mbus', 'nordic_han', 'smarty_p1'],
        initial: 'generic',
      },
      { key: 'system_title', label: 'System title', type: 'text', placeholder: '16 hex digits' },
      { key: 'encryption_key', label: 'Encryption key', type: 'password', placeholder: '32 hex digits' },
      { key: 'authentication_key', label: 'Authentication key', type: 'password', placeholder: '32 hex digits' },
      { key: 'serial_port', label: 'Serial port', type: 'serial' },
      { key: 'host', label: 'Host', type: 'text' },
      { key: 'port', label: 'Port', type: 'number' },
      { key: 'password', label: 'Password', type: 'password' },
    ],
  },
];

export type FormValues = Record<string, string | boolean>;

export function initialValues(spec: KindSpec): FormValues {
  const values: FormValues = {};
  for (const f of spec.fields) values[f.key] = f.initial ?? (f.type === 'checkbox' ? false : '');
  return values;
}

/** Form values → the device's options entry: blanks left out, numbers as numbers. */
export function toConfig(spec: KindSpec, values: FormValues): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of spec.fields) {
    const v = values[f.key];
    if (f.type === 'checkbox') {
      if (v === true) config[f.key] = true;
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '') continue;
    const numeric = f.type === 'number' || (f.type === 'select' && f.key === 'baud');
    config[f.key] = numeric && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return config;
}
