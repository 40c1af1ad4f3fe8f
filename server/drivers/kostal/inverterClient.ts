/**
 * Talks to one inverter over whichever interface it has: detects the generation, reads
 * its identity and one snapshot at a time. Answers that are wrong (401, HTTP errors,
 * truncated or unreadable pages) throw `InverterFault`; an inverter that does not answer
 * at all throws `UnreachableError` (from http.ts).
 */
import { classicSnapshot, parseClassicPage } from '../../protocols/kostal/classicPage.ts';
import { DXS, DXS_IDENTITY_IDS, dxsPaths, dxsSnapshot, parseDxsResponse, text, type DxsValues } from '../../protocols/kostal/dxs.ts';
import { CLASSIC_PAGE_PATH, DXS_PROBE_PATH, detectGeneration } from '../../protocols/kostal/generation.ts';
import { parseSettingsSerial } from '../../protocols/kostal/settingsPage.ts';
import type { Generation, InverterSnapshot } from '../../protocols/kostal/snapshot.ts';
import { httpGet, type HttpAnswer, type HttpTarget } from './http.ts';
import { DXS_POLL_IDS } from './registers.ts';

export class InverterFault extends Error {}

/** The classic web server's settings page, where the serial number is. */
export const SETTINGS_PAGE_PATH = '/Solar2.fhtml';

export interface InverterIdentity {
  generation: Generation;
  serial: string | null;
  model: string | null;
  /** The name the user gave the inverter on its own web page. */
  name: string | null;
  swVersion: string | null;
}

function checkAnswer(answer: HttpAnswer, path: string): void {
  if (answer.status === 401)
    throw new InverterFault('user or password rejected (HTTP 401); the factory login is user pvserver, password pvwr');
  if (answer.status !== 200) throw new InverterFault(`HTTP ${answer.status} from ${path.split('?')[0]}`);
}

export class InverterClient {
  private lastPageIdentity: InverterIdentity | undefined;
  private settingsSerial: string | null | undefined;
  /** Why the settings page gave no serial number (diagnostics). */
  settingsProblem: string | null = null;
  /** The settings page did not answer at all: worth asking again later. */
  settingsUnanswered = false;

  private constructor(
    private readonly target: HttpTarget,
    readonly generation: Generation,
  ) {}

  /** Connect by a known generation, or probe: DXS first, then the classic page. */
  static async connect(target: HttpTarget, generation: 'auto' | Generation): Promise<InverterClient> {
    if (generation !== 'auto') return new InverterClient(target, generation);
    const probe = await httpGet(target, DXS_PROBE_PATH);
    const dxsAnswer = { status: probe.status, body: probe.bytes.toString('latin1') };
    if (detectGeneration(dxsAnswer, null) === 'dxs') return new InverterClient(target, 'dxs');
    const page = await httpGet(target, CLASSIC_PAGE_PATH);
    checkAnswer(page, CLASSIC_PAGE_PATH);
    if (detectGeneration(null, { status: page.status, body: page.bytes.toString('latin1') }) === 'classic') {
      return new InverterClient(target, 'classic');
    }
    throw new InverterFault(`neither ${DXS_PROBE_PATH} (HTTP ${probe.status}) nor ${CLASSIC_PAGE_PATH} answered like a Kostal PIKO`);
  }

  async identity(): Promise<InverterIdentity> {
    if (this.generation === 'dxs') {
      const values = await this.readDxs(DXS_IDENTITY_IDS);
      return {
        generation: 'dxs',
        serial: text(values, DXS.serialNumber),
        model: text(values, DXS.model),
        name: text(values, DXS.name),
        swVersion: text(values, DXS.uiVersion),
      };
    }
    if (!this.lastPageIdentity) await this.read();
    this.settingsSerial ??= await this.readSettingsSerial();
    return { ...(this.lastPageIdentity as InverterIdentity), serial: this.settingsSerial };
  }

  /**
   * The serial number from the settings page; null when the unit has no readable one (identity
   * then falls back to the host). Never fails the poll: the status page is what matters.
   */
  private async readSettingsSerial(): Promise<string | null> {
    let parsed: { ok: true; value: string } | { ok: false; error: string };
    try {
      const answer = await httpGet(this.target, SETTINGS_PAGE_PATH);
      parsed = answer.status === 200 ? parseSettingsSerial(answer.bytes) : { ok: false, error: `HTTP ${answer.status}` };
      this.settingsUnanswered = false;
    } catch (err) {
      parsed = { ok: false, error: (err as Error).message };
      this.settingsUnanswered = true;
    }
    this.settingsProblem = parsed.ok ? null : `${SETTINGS_PAGE_PATH}: ${parsed.error}`;
    return parsed.ok ? parsed.value : null;
  }

  async read(): Promise<InverterSnapshot> {
    if (this.generation === 'dxs') return dxsSnapshot(await this.readDxs(DXS_POLL_IDS));
    const answer = await httpGet(this.target, CLASSIC_PAGE_PATH);
    checkAnswer(answer, CLASSIC_PAGE_PATH);
    const parsed = parseClassicPage(answer.bytes);
    if (!parsed.ok) throw new InverterFault(`${CLASSIC_PAGE_PATH}: ${parsed.error}`);
    const page = parsed.value;
    // The status page shows no serial number: identity() reads it from the settings page.
    this.lastPageIdentity = { generation: 'classic', serial: null, model: page.model, name: page.name, swVersion: null };
    return classicSnapshot(page);
  }

  private async readDxs(ids: readonly number[]): Promise<DxsValues> {
    const values: DxsValues = new Map();
    for (const path of dxsPaths(ids)) {
      const answer = await httpGet(this.target, path);
      checkAnswer(answer, path);
      const parsed = parseDxsResponse(answer.bytes.toString('utf8'));
      if (!parsed.ok) throw new InverterFault(`/api/dxs.json: ${parsed.error}`);
      for (const [id, v] of parsed.value) values.set(id, v);
    }
    return values;
  }
}
