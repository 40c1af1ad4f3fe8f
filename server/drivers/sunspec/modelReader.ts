/**
 * Reads a device's models in as few Modbus requests as it allows: neighbouring blocks joined,
 * at most `maxRegisters` a request. A device that refuses a read spanning two models (an
 * exception) is read model by model from then on.
 */
import type { Logger } from '../../core/logger.ts';
import { type DecodedModel, decodeModel } from '../../protocols/sunspec/block.ts';
import { type ModelLocation, planReads, type ReadPlan, type ReadRegisters, readSpan } from '../../protocols/sunspec/chain.ts';
import { modelDef } from '../../protocols/sunspec/definitions.ts';
import { SunSpecError } from '../../protocols/sunspec/errors.ts';
import { ModbusExceptionError } from './modbusLink.ts';

export class ModelReader {
  private perModel = false;

  constructor(
    private readonly readRegisters: ReadRegisters,
    private readonly maxRegisters: number,
    private readonly log: Logger,
    private readonly label: string,
  ) {}

  /** The requests that read these models now. */
  planFor(models: readonly ModelLocation[]): ReadPlan[] {
    if (!this.perModel) return planReads(models, this.maxRegisters);
    return models.flatMap((m) => planReads([m], this.maxRegisters));
  }

  /** These models, decoded, by address; models without a definition are left out. */
  async read(models: readonly ModelLocation[]): Promise<Map<number, DecodedModel>> {
    try {
      return await this.readPlan(this.planFor(models), models);
    } catch (err) {
      if (!(err instanceof ModbusExceptionError) || this.perModel || models.length < 2) throw err;
      this.perModel = true;
      this.log.info(`${this.label}: reads across models refused (${err.message}); reading each model on its own`);
      return this.readPlan(this.planFor(models), models);
    }
  }

  private async readPlan(plan: readonly ReadPlan[], models: readonly ModelLocation[]): Promise<Map<number, DecodedModel>> {
    // Neighbouring requests are joined back into spans; every model lies inside one span.
    const spans: { start: number; regs: number[] }[] = [];
    for (const p of plan) {
      const regs = await readSpan(this.readRegisters, p.address, p.count, p.count);
      const last = spans.at(-1);
      if (last && last.start + last.regs.length === p.address) for (const r of regs) last.regs.push(r);
      else spans.push({ start: p.address, regs });
    }
    const out = new Map<number, DecodedModel>();
    for (const model of models) {
      const span = spans.find((s) => model.address >= s.start && model.address + model.length + 2 <= s.start + s.regs.length);
      if (!span) throw new SunSpecError('short-response', `model ${model.id} at ${model.address} was not read whole`);
      const regs = span.regs.slice(model.address - span.start, model.address - span.start + model.length + 2);
      if (regs[0] !== model.id)
        throw new SunSpecError('malformed', `model ${model.id} is no longer at ${model.address} (found ${regs[0]})`);
      const def = modelDef(model.id);
      if (def) out.set(model.address, decodeModel(def, regs));
    }
    return out;
  }
}
