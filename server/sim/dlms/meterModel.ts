/**
 * A simulated three-phase meter: counters that only grow, power that follows a daily
 * curve with noise, voltages near 230 V. Values are kept raw with the scaler the meter
 * would announce, as a Kaifa MA309 does (protocols/dlms-cosem.md §8.1).
 */
import { ax, cosemDateTime } from './wire.ts';

export interface SimObject {
  obis: string;
  classId: number;
  /** A-XDR value (attribute 2). */
  value: () => Buffer;
  /** scaler_unit (attribute 3) of class 3 objects. */
  scalerUnit?: Buffer;
}

export class MeterModel {
  private importWh = 1_234_567;
  private exportWh = 89_012;
  private reactiveVarh = 4567;
  private powerW = 850;
  private lastTick = Date.now();
  /** Counters stand still (the chaos run compares them with what the bridge published). */
  frozen = false;
  readonly objects: SimObject[];

  constructor(
    readonly logicalDeviceName: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    const volt = (base: number) => () => ax.u16(Math.round((base + Math.random() * 4 - 2) * 10));
    this.objects = [
      { obis: '0-0:1.0.0.255', classId: 8, value: () => ax.octets(cosemDateTime(this.now())) },
      { obis: '0-0:42.0.0.255', classId: 1, value: () => ax.octets(Buffer.from(logicalDeviceName)) },
      { obis: '0-0:96.1.0.255', classId: 1, value: () => ax.octets(Buffer.from(`SIM${logicalDeviceName.slice(-9)}`)) },
      { obis: '1-0:32.7.0.255', classId: 3, value: volt(230), scalerUnit: ax.scalerUnit(-1, 35) },
      { obis: '1-0:52.7.0.255', classId: 3, value: volt(231), scalerUnit: ax.scalerUnit(-1, 35) },
      { obis: '1-0:72.7.0.255', classId: 3, value: volt(229), scalerUnit: ax.scalerUnit(-1, 35) },
      {
        obis: '1-0:31.7.0.255',
        classId: 3,
        value: () => ax.u16(Math.round((this.powerW / 3 / 230) * 100)),
        scalerUnit: ax.scalerUnit(-2, 33),
      },
      { obis: '1-0:1.7.0.255', classId: 3, value: () => ax.u32(Math.round(this.powerW)), scalerUnit: ax.scalerUnit(0, 27) },
      { obis: '1-0:2.7.0.255', classId: 3, value: () => ax.u32(0), scalerUnit: ax.scalerUnit(0, 27) },
      { obis: '1-0:14.7.0.255', classId: 3, value: () => ax.u16(4990 + Math.round(Math.random() * 20)), scalerUnit: ax.scalerUnit(-2, 44) },
      { obis: '1-0:13.7.0.255', classId: 3, value: () => ax.i16(970), scalerUnit: ax.scalerUnit(-3, 255) },
      { obis: '1-0:1.8.0.255', classId: 3, value: () => ax.u32(Math.floor(this.importWh)), scalerUnit: ax.scalerUnit(0, 30) },
      { obis: '1-0:2.8.0.255', classId: 3, value: () => ax.u32(Math.floor(this.exportWh)), scalerUnit: ax.scalerUnit(0, 30) },
      { obis: '1-0:3.8.0.255', classId: 3, value: () => ax.u32(Math.floor(this.reactiveVarh)), scalerUnit: ax.scalerUnit(0, 32) },
      // A manufacturer-specific object, to show that unknown OBIS codes still arrive.
      { obis: '1-0:128.7.0.255', classId: 3, value: () => ax.i32(42), scalerUnit: ax.scalerUnit(0, 255) },
    ];
  }

  /** The energy counters as they are now (Wh, varh; the meter sends them floored). */
  get counters(): { importWh: number; exportWh: number; reactiveVarh: number } {
    return { importWh: this.importWh, exportWh: this.exportWh, reactiveVarh: this.reactiveVarh };
  }

  /** Advance the counters by the energy used since the last call. */
  tick(): void {
    if (this.frozen) return;
    const t = Date.now();
    const hours = (t - this.lastTick) / 3_600_000;
    this.lastTick = t;
    const hour = this.now().getUTCHours() + this.now().getUTCMinutes() / 60;
    this.powerW = Math.max(80, 600 + 500 * Math.sin(((hour - 6) / 24) * 2 * Math.PI) + (Math.random() - 0.5) * 100);
    this.importWh += this.powerW * hours;
    this.reactiveVarh += this.powerW * 0.05 * hours;
  }

  find(classId: number, obis: string): SimObject | undefined {
    return this.objects.find((o) => o.obis === obis && o.classId === classId);
  }

  /**
   * The same meter as a Luxembourg Smarty sends it: DSMR text (to be ciphered in
   * general-glo-ciphering), with the logical device name hex-encoded and the clock as
   * `YYMMDDhhmmssX`, X = W (UTC+1) or S (UTC+2) (protocols/dlms-cosem.md §8.3).
   */
  dsmrText(): Buffer {
    this.tick();
    const kwh = (wh: number) => (Math.floor(wh) / 1000).toFixed(3).padStart(10, '0');
    const lines = [
      '/Lux5\\253663629_D',
      '',
      '1-3:0.2.8(42)',
      `0-0:1.0.0(${dsmrClock(this.now())})`,
      `0-0:42.0.0(${Buffer.from(this.logicalDeviceName, 'latin1').toString('hex').toUpperCase()})`,
      `1-0:1.8.0(${kwh(this.importWh)}*kWh)`,
      `1-0:2.8.0(${kwh(this.exportWh)}*kWh)`,
      `1-0:1.7.0(${(this.powerW / 1000).toFixed(3).padStart(6, '0')}*kW)`,
      '1-0:2.7.0(00.000*kW)',
      '!0000',
      '',
    ];
    return Buffer.from(lines.join('\r\n'), 'latin1');
  }

  /** data-notification in the nested layout: clock, then structure{OBIS, value, scaler_unit} per register (§6.5). */
  notification(invokeId: number): Buffer {
    this.tick();
    const items = this.objects.map((o) =>
      o.scalerUnit ? ax.structure(ax.obis(o.obis), o.value(), o.scalerUnit) : ax.structure(ax.obis(o.obis), o.value()),
    );
    const head = Buffer.alloc(5);
    head[0] = 0x0f;
    head.writeUInt32BE(invokeId >>> 0, 1);
    return Buffer.concat([head, Buffer.from([0x0c]), cosemDateTime(this.now()), ax.structure(...items)]);
  }
}

/** Central European local time as DSMR writes it: summer time from the last Sunday of March to that of October, 01:00 UTC. */
export function dsmrClock(utc: Date): string {
  const lastSunday = (month: number) => {
    const d = new Date(Date.UTC(utc.getUTCFullYear(), month + 1, 0, 1));
    d.setUTCDate(d.getUTCDate() - d.getUTCDay());
    return d.getTime();
  };
  const summer = utc.getTime() >= lastSunday(2) && utc.getTime() < lastSunday(9);
  const local = new Date(utc.getTime() + (summer ? 2 : 1) * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    two(local.getUTCFullYear() % 100) +
    two(local.getUTCMonth() + 1) +
    two(local.getUTCDate()) +
    two(local.getUTCHours()) +
    two(local.getUTCMinutes()) +
    two(local.getUTCSeconds()) +
    (summer ? 'S' : 'W')
  );
}
