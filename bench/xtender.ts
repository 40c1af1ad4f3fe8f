/**
 * Xtender/SCOM figures: codec throughput, requests per second over a socat PTY (raw, and
 * with the simulator holding each answer for its 38400-baud 8E1 wire time) against what
 * the baud rate allows, and the time from a device dropping out to it being unavailable.
 */
import { Hub } from '../server/core/hub.ts';
import { createLogger } from '../server/core/logger.ts';
import { createXtenderDriver } from '../server/drivers/xtender/driver.ts';
import { ScomLink } from '../server/drivers/xtender/link.ts';
import { optionsSchema } from '../server/options/schema.ts';
import { decodeFrame, decodeResponse, decodeValue, encodeReadRequest, FrameReader } from '../server/protocols/scom/index.ts';
import { parseDeviceList } from '../server/sim/xtender/gateway.ts';
import { openSocatPty } from '../server/sim/socatPty.ts';
import { XtenderSimulator } from '../server/sim/xtender/simulator.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeFrame } from '../server/protocols/scom/frame.ts';
import { figure, fill, randomStream, STREAM_BYTES, streamRate, tile } from './hostileInput.ts';

const BAUD = 38400;
const RESPONSE = Uint8Array.from([
  0xaa, 0x34, 0x65, 0, 0, 0, 1, 0, 0, 0, 0x0e, 0, 0xa7, 0x45, 0x02, 0x01, 0x01, 0, 0xb8, 0x0b, 0, 0, 0x01, 0, 0x00, 0xc0, 0x45, 0x41, 0x0d,
  0xcb,
]);

function codecFigure(): Record<string, unknown> {
  const reader = new FrameReader();
  let n = 0;
  const end = performance.now() + 1500;
  const started = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) {
      const req = encodeReadRequest({ address: 101 + (i % 9), objectType: 1, objectId: 3000 + (i % 100), propertyId: 1 });
      const back = decodeFrame(req);
      const [frame] = reader.push(RESPONSE);
      const res = decodeResponse(frame!);
      if (!back.ok || !res.ok || res.value.kind !== 'value' || !decodeValue('float', res.value.data).ok)
        throw new Error('codec bench decoded nothing');
      n++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { figure: 'scom_request_encode_plus_response_decode_per_s', value: Math.round(n / seconds), unit: 'per_s' };
}

async function requestRate(wireTiming: boolean): Promise<number> {
  const pty = await openSocatPty();
  const sim = new XtenderSimulator({ path: pty.simPath, devices: parseDeviceList('xt:1'), wireTiming });
  await sim.start();
  const link = new ScomLink({ path: pty.bridgePath, baudRate: BAUD, timeoutMs: 2000, retries: 0 });
  await link.open();
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < 1500) {
    await link.read({ address: 101, objectType: 1, objectId: 3000, propertyId: 1 });
    n++;
  }
  const rate = n / ((performance.now() - started) / 1000);
  await link.close();
  await sim.stop();
  await pty.close();
  return rate;
}

async function dropOutToUnavailableMs(devices: string): Promise<number> {
  const pty = await openSocatPty();
  const sim = new XtenderSimulator({ path: pty.simPath, devices: parseDeviceList(devices), wireTiming: true, dropTimeoutMs: 500 });
  await sim.start();
  const hub = new Hub();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'xtender-bench-'));
  const options = optionsSchema.parse({ xtender: [{ serial_port: pty.bridgePath, poll_interval: 10, fast_poll_interval: 2 }] });
  const driver = createXtenderDriver({ hub, log: createLogger('silent'), options, dataDir, reportConfigError: () => undefined });
  await driver.start();
  const victim = devices === 'xt:1' ? 101 : 102;
  const fid = sim.gateway.devices.find((d) => d.address === victim)!.fid;
  const id = `xtender_${fid.toString(16).toUpperCase().padStart(8, '0')}`;
  const until = async (cond: () => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('bench condition not met in 30 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await until(() => hub.get(id)?.status.availability === 'online');
  const dropped = performance.now();
  sim.gateway.dropOut(victim);
  await until(() => hub.get(id)?.status.availability === 'offline');
  const ms = performance.now() - dropped;
  await driver.stop();
  await sim.stop();
  await pty.close();
  rmSync(dataDir, { recursive: true, force: true });
  return ms;
}

export async function bench(): Promise<Record<string, unknown>[]> {
  // Request 26 bytes + FLOAT response 30 bytes, 11 bits per byte on an 8E1 line.
  const baudLimit = BAUD / ((26 + 30) * 11);
  const paced = await requestRate(true);
  const raw = await requestRate(false);
  return [
    codecFigure(),
    {
      figure: 'xtender_requests_per_s_pty_38400_wire_timed',
      value: Number(paced.toFixed(1)),
      unit: 'per_s',
      baudLimit: Number(baudLimit.toFixed(1)),
      ratio: Number((paced / baudLimit).toFixed(3)),
    },
    {
      figure: 'xtender_requests_per_s_pty_untimed',
      value: Math.round(raw),
      unit: 'per_s',
      note: 'a PTY ignores the baud rate; this is the driver+simulator ceiling',
    },
    {
      figure: 'xtender_dropout_to_unavailable_ms_three_xtenders',
      value: Math.round(await dropOutToUnavailableMs('xt:3')),
      unit: 'ms',
      note: 'the others turn implausible at once; the re-initialised scan misses the lost one',
    },
    {
      figure: 'xtender_dropout_to_unavailable_ms_single_xtender',
      value: Math.round(await dropOutToUnavailableMs('xt:1')),
      unit: 'ms',
      note: 'fast poll every 2 s, then the gateway waits 500 ms before RESPONSE_TIMEOUT',
    },
  ];
}

/** The SCOM frame reader on hostile bytes (`npm run bench -- hostile`). */
export function hostileFigures(): Record<string, unknown>[] {
  const header = encodeFrame({ flags: 0, src: 1, dst: 2, data: new Uint8Array(1100) }).subarray(0, 14);
  const nearHeader = Uint8Array.from(encodeFrame({ flags: 0, src: 1, dst: 2, data: new Uint8Array(5) }).subarray(0, 14));
  nearHeader[13]! ^= 1;
  const n = STREAM_BYTES;
  return [
    figure({
      parser: 'scom_frame_reader',
      random: randomStream(),
      rate: (input) => streamRate(() => new FrameReader(), input),
      patterns: { startRun: fill(0xaa)(n), headersAnnouncing1100: tile(header, n), nearHeaders: tile(nearHeader, n) },
    }),
  ];
}
