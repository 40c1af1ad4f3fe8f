/**
 * A Kostal PIKO inverter's web server on loopback: the classic `/index.fhtml` page behind
 * Basic auth, or the `/api/dxs.json` API (no auth), through a day and a night, with
 * faults on demand. At night the web server goes away (connection refused) or shows
 * `x x x` pages, as the chosen night mode says.
 */
import http from 'node:http';
import { LAYOUT_SPECS, renderClassicPage, samplePage, type Layout } from './classicPages.ts';
import { SimClock, phaseAt, sunFactor, type ClockOptions, type NightMode, type SunPhase } from '../daylight.ts';
import { DxsTable } from './dxsTable.ts';
import { renderSettingsPage } from './settingsPage.ts';
import { EnergyCounters, liveValues } from './inverterModel.ts';

export const SIM_FAULTS = ['slow', '500', 'truncated', 'refused'] as const;
export type SimFault = (typeof SIM_FAULTS)[number];

export interface KostalSimOptions {
  host?: string;
  /** 0 or absent: a free port. */
  port?: number;
  generation?: 'classic' | 'dxs';
  layout?: Layout;
  /** Serve this sample page unchanged (no day cycle), e.g. `piko-8.3-index-de-off-night.html`. */
  page?: string;
  username?: string;
  password?: string;
  night?: NightMode;
  clock?: ClockOptions;
  /** Delay of the `slow` fault. */
  slowMs?: number;
  serial?: string;
  /** Classic: serve `/Solar2.fhtml` with the serial number (default true; false: a page the unit lacks). */
  settingsPage?: boolean;
  fault?: SimFault | null;
}

export class KostalSim {
  readonly clock: SimClock;
  private readonly server: http.Server;
  private readonly opts: Required<Omit<KostalSimOptions, 'page' | 'clock' | 'fault' | 'port'>> & { page?: string };
  private readonly counters: EnergyCounters;
  private readonly dxs: DxsTable;
  private readonly pending = new Set<NodeJS.Timeout>();
  private fault: SimFault | null;
  private listening = false;
  private stopped = false;
  private ticker: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  port: number;
  requests = 0;

  constructor(options: KostalSimOptions = {}) {
    this.opts = {
      host: options.host ?? '127.0.0.1',
      generation: options.generation ?? 'classic',
      layout: options.layout ?? '8.3-en',
      page: options.page,
      username: options.username ?? 'pvserver',
      password: options.password ?? 'pvwr',
      night: options.night ?? 'refused',
      slowMs: options.slowMs ?? 15_000,
      serial: options.serial ?? '90553KSE00123',
      settingsPage: options.settingsPage ?? true,
    };
    this.port = options.port ?? 0;
    this.fault = options.fault ?? null;
    this.clock = new SimClock(options.clock);
    const spec = LAYOUT_SPECS[this.opts.layout];
    this.counters = new EnergyCounters(this.opts.generation === 'dxs' ? 29.07 : spec.totalKwh, 0);
    this.dxs = new DxsTable({ serial: this.opts.serial, model: 'PIKO 7.0', name: 'piko-sim', uiVersion: '06.20' });
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  get url(): string {
    return `http://${this.opts.host}:${this.port}`;
  }

  /** The serial number it shows (settings page, DXS). */
  get serial(): string {
    return this.opts.serial;
  }

  /** `host:port`, as a user enters it in the options. */
  get hostPort(): string {
    return `${this.opts.host}:${this.port}`;
  }

  /** The energy counters now (kWh, unrounded). */
  get energy(): { totalKwh: number; dailyKwh: number } {
    return { totalKwh: this.counters.totalKwh, dailyKwh: this.counters.dailyKwh };
  }

  /** Hour of the simulated day. */
  get hour(): number {
    return this.clock.hour();
  }

  get phase(): SunPhase {
    return this.opts.page ? 'feeding' : phaseAt(this.clock.hour(), this.opts.night);
  }

  async start(): Promise<void> {
    // Listen once even at night, so that the port is known and stays the same.
    await this.listen();
    await this.sync();
    this.ticker = setInterval(() => void this.sync(), 200);
    this.ticker.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ticker);
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    await this.syncing;
    await this.closeListener();
  }

  async setFault(fault: SimFault | null): Promise<void> {
    this.fault = fault;
    await this.sync();
  }

  async setHour(hour: number): Promise<void> {
    this.clock.setHour(hour);
    this.tick();
    await this.sync();
  }

  /** Listen unless the inverter is unpowered or refusing; serialised. */
  private sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      const refuse = this.stopped || this.fault === 'refused' || this.phase === 'unpowered';
      if (refuse && this.listening) await this.closeListener();
      if (!refuse && !this.listening) await this.listen();
    });
    return this.syncing;
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.opts.host, () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as { port: number }).port;
        this.listening = true;
        resolve();
      });
    });
  }

  private closeListener(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private tick(): { phase: SunPhase; sun: number } {
    const hour = this.clock.hour();
    const phase = this.phase;
    const sun = sunFactor(hour);
    const peak = this.opts.generation === 'dxs' ? this.dxs.peakW : LAYOUT_SPECS[this.opts.layout].shape.peakW;
    this.counters.advance(hour, phase === 'feeding' ? peak * sun : 0, phase);
    return { phase, sun };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests++;
    if (this.fault === 'slow') {
      const t = setTimeout(() => {
        this.pending.delete(t);
        this.answer(req, res);
      }, this.opts.slowMs);
      this.pending.add(t);
      return;
    }
    this.answer(req, res);
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (res.destroyed) return;
    const url = new URL(req.url ?? '/', 'http://piko');
    if (this.fault === '500') {
      res.writeHead(500, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>500 Internal Server Error</h1></body></html>');
      return;
    }
    const { phase, sun } = this.tick();
    let body: Buffer;
    let type: string;
    if (url.pathname === '/index.fhtml' && this.opts.generation === 'classic') {
      if (!this.authorised(req)) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="PV Webserver"', 'Content-Type': 'text/html' });
        res.end('<html><body>401 Unauthorized</body></html>');
        return;
      }
      const spec = LAYOUT_SPECS[this.opts.layout];
      body = this.opts.page
        ? samplePage(this.opts.page)
        : renderClassicPage(this.opts.layout, phase, liveValues(spec.shape, phase, sun), this.counters.totalKwh, this.counters.dailyKwh);
      type = 'text/html; charset=ISO-8859-1';
    } else if (url.pathname === '/Solar2.fhtml' && this.opts.generation === 'classic' && this.opts.settingsPage) {
      if (!this.authorised(req)) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="PV Webserver"', 'Content-Type': 'text/html' });
        res.end('<html><body>401 Unauthorized</body></html>');
        return;
      }
      const spec = LAYOUT_SPECS[this.opts.layout];
      const model = `PIKO ${this.opts.layout.split('-')[0]}`;
      body = renderSettingsPage({ model, name: 'piko', serial: this.opts.serial, language: spec.language });
      type = 'text/html; charset=ISO-8859-1';
    } else if (url.pathname === '/api/dxs.json' && this.opts.generation === 'dxs') {
      const ids = url.searchParams.getAll('dxsEntries').map(Number).filter(Number.isInteger);
      body = Buffer.from(this.dxs.answer(ids, { phase, sun, totalKwh: this.counters.totalKwh, dailyKwh: this.counters.dailyKwh }));
      type = 'application/json';
    } else {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html><body>404 Not Found</body></html>');
      return;
    }
    if (this.fault === 'truncated') {
      // The embedded server closes the connection at the end of a page; a cut page just ends early.
      res.writeHead(200, { 'Content-Type': type });
      res.end(body.subarray(0, Math.floor(body.length / 2)));
      return;
    }
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
    res.end(body);
  }

  private authorised(req: http.IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const credentials = /^Basic\s+(?<credentials>\S+)$/i.exec(header)?.groups?.credentials;
    if (credentials === undefined) return false;
    return Buffer.from(credentials, 'base64').toString('latin1') === `${this.opts.username}:${this.opts.password}`;
  }
}
