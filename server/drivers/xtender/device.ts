/**
 * One physical Studer device behind the gateway: its hub entry (id from its serial
 * number), its register table with the device's own parameter ranges, reads and writes.
 */
import { CommandError, type DeviceHandle, type Hub, type Reading } from '../../core/hub.ts';
import { effectiveRange, type RegisterValue } from '../../core/registers.ts';
import { deviceIndex } from '../../protocols/scom/addresses.ts';
import { PropertyId } from '../../protocols/scom/constants.ts';
import { ScomErrorCode } from '../../protocols/scom/errors.ts';
import type { FlashWriteLedger } from './flashLedger.ts';
import { roundFloat } from './floatPrecision.ts';
import { ScomError, type ScomLink } from './link.ts';
import { readInfo, readParameter, writeParameter } from './objects.ts';
import { type XtenderLink, xtenderListedKey } from './options.ts';
import { FAMILY_LABEL, FAMILY_REGISTERS, type XtenderRegister } from './registers.ts';
import type { FoundDevice } from './scan.ts';

/** Parameters read per device per slow cycle until all are known, so polling starts at once. */
const PARAMETERS_PER_CYCLE = 4;
const FLASH_WARNING_AT = 900;

export function deviceIdFor(found: Pick<FoundDevice, 'family' | 'serial'>): string {
  return found.family === 'xcom' ? `xtender_xcom_${found.serial}` : `xtender_${found.serial}`;
}

export class XtenderDevice {
  readonly id: string;
  readonly registers: XtenderRegister[];
  private handle: DeviceHandle | undefined;
  /** Registers this device does not have (OBJECT_ID_NOT_FOUND): no longer asked for. */
  private readonly unsupported = new Set<string>();
  private readonly rangeRead = new Set<string>();
  private readonly parameterRead = new Set<string>();
  private ledgerProblemReported = false;

  constructor(
    public found: FoundDevice,
    private readonly link: ScomLink,
    private readonly hub: Hub,
    private readonly config: XtenderLink,
    private readonly ledger: FlashWriteLedger,
  ) {
    this.id = deviceIdFor(found);
    this.registers = FAMILY_REGISTERS[found.family].map((r) => ({ ...r }));
  }

  get address(): number {
    return this.found.address;
  }

  get family(): FoundDevice['family'] {
    return this.found.family;
  }

  /** Add (or refresh) the hub entry. */
  register(): DeviceHandle {
    const label = FAMILY_LABEL[this.family];
    const index = this.family === 'xcom' || this.family === 'bsp' ? '' : ` ${deviceIndex(this.address)}`;
    this.handle = this.hub.addDevice(
      {
        id: this.id,
        kind: 'xtender',
        listed: xtenderListedKey(this.config),
        name: `${this.config.name ? `${this.config.name} ` : ''}${label}${index}`,
        manufacturer: 'Studer Innotec',
        model: this.found.model ?? label,
        serialNumber: this.found.serial,
        swVersion: this.found.swVersion,
        allowWrites: this.config.allow_writes && this.family !== 'xcom',
        writesOption: this.family === 'xcom' ? undefined : 'allow_writes',
        statusExtra: { address: this.address, serialPort: this.config.serial_port },
      },
      this.registers,
      {
        read: (keys) => this.read(keys),
        prepareWrite: (key) => this.prepareWrite(key),
        write: (key, value) => this.write(key, value),
      },
    );
    this.handle.diagnostics({ address: this.address, family: this.family, ...this.flashDiagnostics() });
    this.reportLedgerProblem();
    return this.handle;
  }

  private flashDiagnostics(): Record<string, unknown> {
    return { flashWrites: this.ledger.totals(this.id), flashLedgerProblem: this.ledger.problem?.message ?? null };
  }

  /** Once per device: flash writes are on but refused, because the ledger file is unreadable. */
  private reportLedgerProblem(): void {
    const problem = this.ledger.problem;
    if (!problem || !this.config.allow_flash_writes || this.family === 'xcom' || this.ledgerProblemReported) return;
    this.ledgerProblemReported = true;
    this.hubHandle.event({ type: 'warning', event: 'flash_ledger_unreadable', message: problem.message, data: { file: problem.file } });
  }

  get hubHandle(): DeviceHandle {
    if (!this.handle) throw new Error(`device ${this.id} is not registered`);
    return this.handle;
  }

  /**
   * Infos of one poll group, plus a few parameters not read yet. Throws if the device is unreachable.
   * The slow group (the one with the counters) ends with the battery voltage read once more: if
   * another device dropped out halfway through, the gateway answered the rest of the batch with
   * in-range nonsense (a daily counter 37 times too large, then stuck as every true value looks
   * like a regression); the voltage it answers now is out of bounds, and the watchdog discards
   * the whole batch.
   */
  async poll(group: 'fast' | 'slow'): Promise<Reading[]> {
    const infos = this.registers.filter((r) => r.objectType === 'info' && r.poll === group && !this.unsupported.has(r.key));
    const readings: Reading[] = [];
    for (const reg of infos) {
      const reading = await this.readRegister(reg);
      if (reading) readings.push(reading);
    }
    if (group === 'slow') {
      const sentinel = this.registers.find((r) => r.key === 'battery_voltage' && !this.unsupported.has(r.key));
      if (sentinel && readings.length > 0) {
        const reading = await this.readRegister(sentinel);
        if (reading) readings.push(reading);
      }
      const params = this.registers.filter(
        (r) => r.objectType === 'parameter' && !this.parameterRead.has(r.key) && !this.unsupported.has(r.key),
      );
      for (const reg of params.slice(0, PARAMETERS_PER_CYCLE)) {
        const reading = await this.readRegister(reg);
        if (reading) readings.push(reading);
      }
    }
    return readings;
  }

  async read(keys: string[]): Promise<Reading[]> {
    const out: Reading[] = [];
    for (const key of keys) {
      const reg = this.registers.find((r) => r.key === key);
      if (!reg) continue;
      try {
        const reading = await this.readRegister(reg);
        if (reading) out.push(reading);
      } catch (err) {
        throw new CommandError(`Reading ${reg.key} from ${this.id} failed: ${(err as Error).message}`);
      }
    }
    return out;
  }

  /** Reads one register; undefined when the device does not have it. */
  private async readRegister(reg: XtenderRegister): Promise<Reading | undefined> {
    try {
      if (reg.objectType === 'info') {
        if (reg.poll === undefined) return undefined;
        return { key: reg.key, value: roundFloat(reg, await readInfo(this.link, this.address, reg.objectId, reg.format)) };
      }
      const value = await this.readParameterValue(reg);
      this.parameterRead.add(reg.key);
      if (!this.rangeRead.has(reg.key)) await this.readRange(reg);
      return { key: reg.key, value };
    } catch (err) {
      if (
        err instanceof ScomError &&
        (err.code === ScomErrorCode.OBJECT_ID_NOT_FOUND || err.code === ScomErrorCode.PROPERTY_NOT_SUPPORTED)
      ) {
        this.unsupported.add(reg.key);
        return undefined;
      }
      throw err;
    }
  }

  /** The value in force (RAM), or the stored one on firmware older than 1.6.12. */
  private async readParameterValue(reg: XtenderRegister): Promise<number> {
    try {
      return roundFloat(reg, await readParameter(this.link, this.address, reg.objectId, PropertyId.UNSAVED_VALUE_QSP, reg.format));
    } catch (err) {
      if (err instanceof ScomError && err.code === ScomErrorCode.PROPERTY_NOT_SUPPORTED) {
        return roundFloat(reg, await readParameter(this.link, this.address, reg.objectId, PropertyId.VALUE_QSP, reg.format));
      }
      throw err;
    }
  }

  /**
   * The device's own min/max become the register's `deviceRange` (they differ from the
   * catalogue's for 120 V units and by battery voltage); the hub checks writes against it.
   */
  private async readRange(reg: XtenderRegister): Promise<void> {
    if (reg.type === 'bool' || reg.type === 'enum') {
      this.rangeRead.add(reg.key);
      return;
    }
    // Float parameters are stored as fixed point and come back as float32: 37.9 → 37.900001….
    const min = Number((await readParameter(this.link, this.address, reg.objectId, PropertyId.MIN_QSP, reg.format)).toPrecision(6));
    const max = Number((await readParameter(this.link, this.address, reg.objectId, PropertyId.MAX_QSP, reg.format)).toPrecision(6));
    this.rangeRead.add(reg.key);
    if (!(max > min)) return;
    const before = effectiveRange(reg);
    reg.deviceRange = { min, max };
    // Discovery and the panel hear of it only when the range they offer changed.
    if (before.min !== min || before.max !== max) this.register();
  }

  /** Before the hub checks a write: the device's range of the parameter, if it has not been read yet. */
  private async prepareWrite(key: string): Promise<void> {
    const reg = this.registers.find((r) => r.key === key);
    if (reg?.objectType !== 'parameter' || this.rangeRead.has(reg.key)) return;
    await this.readRange(reg).catch((err: unknown) => {
      throw new CommandError(`Reading the range of ${key} failed: ${(err as Error).message}`);
    });
  }

  /** A write the hub has checked against the effective range (`prepareWrite` read the device's). */
  async write(key: string, value: RegisterValue): Promise<RegisterValue> {
    const reg = this.registers.find((r) => r.key === key);
    if (reg?.objectType !== 'parameter') throw new CommandError(`"${key}" is not a parameter of ${this.id}`);
    const raw = typeof value === 'boolean' ? Number(value) : value;
    if (typeof raw !== 'number') throw new CommandError(`Value for "${key}" must be a number`);
    const flash = this.config.allow_flash_writes;
    if (flash) {
      try {
        await this.ledger.checkFlashWrite(this.id, reg.objectId, this.config.flash_write_min_interval * 60_000);
      } finally {
        this.hubHandle.diagnostics(this.flashDiagnostics());
      }
    }
    const property = flash ? PropertyId.VALUE_QSP : PropertyId.UNSAVED_VALUE_QSP;
    try {
      await writeParameter(this.link, this.address, reg.objectId, property, reg.format, raw);
    } catch (err) {
      throw new CommandError(`${this.id} refused ${key} = ${raw}: ${(err as Error).message}`);
    }
    if (flash) this.countFlashWrite(reg);
    return this.readParameterValue(reg);
  }

  private countFlashWrite(reg: XtenderRegister): void {
    const count = this.ledger.record(this.id, reg.objectId);
    this.hubHandle.diagnostics(this.flashDiagnostics());
    if (count >= FLASH_WARNING_AT) {
      this.hubHandle.event({
        type: 'warning',
        event: 'flash_wear',
        message: `${reg.name} has been written to flash ${count} times; the flash is rated for about 1000 writes`,
        data: { register: reg.key, count },
      });
    }
  }
}
