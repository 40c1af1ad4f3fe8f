/**
 * What each simulated device answers, from the appendix tables in studer-scom.md §8:
 * user infos (FLOAT unless marked short) and parameters with format, default, min, max.
 */
export type SimKind = 'xtender' | 'variotrack' | 'variostring' | 'bsp';
export type SimValueFormat = 'float' | 'short' | 'bool' | 'long' | 'int32';

/** t: seconds since start; phase: per-device offset so devices differ. */
export type InfoSource = (t: number, phase: number) => number;

export interface SimInfo {
  format: 'float' | 'short';
  value: InfoSource;
}

export interface SimParameter {
  format: Exclude<SimValueFormat, 'short'>;
  value: number;
  min: number;
  max: number;
  /** Signal parameters ("S"): write 1 to trigger. */
  signal?: boolean;
}

const wave = (mean: number, amp: number, period: number) => (t: number, phase: number) => mean + amp * Math.sin((t + phase * 7) / period);
const fixed = (v: number) => () => v;
const f = (value: InfoSource): SimInfo => ({ format: 'float', value });
const s = (value: InfoSource): SimInfo => ({ format: 'short', value });

/** Info ids shared by identity: type, SOFT msb/lsb (version 1.6.30), FID msb/lsb are filled in per device. */
export const IDENTITY_INFOS: Record<
  SimKind,
  { type: number; softMsb: number; softLsb: number; fidMsb: number; fidLsb: number; typeValue: number }
> = {
  xtender: { type: 3124, softMsb: 3130, softLsb: 3131, fidMsb: 3156, fidLsb: 3157, typeValue: 1 },
  bsp: { type: 7034, softMsb: 7037, softLsb: 7038, fidMsb: 7048, fidLsb: 7049, typeValue: 10241 },
  variotrack: { type: 11047, softMsb: 11050, softLsb: 11051, fidMsb: 11067, fidLsb: 11068, typeValue: 9985 },
  variostring: { type: 15074, softMsb: 15077, softLsb: 15078, fidMsb: 15102, fidLsb: 15103, typeValue: 12801 },
};

export const INFOS: Record<SimKind, Record<number, SimInfo>> = {
  xtender: {
    3000: f(wave(51.6, 0.6, 40)),
    3001: f(fixed(32767)),
    3005: f(wave(8, 6, 25)),
    3007: f(wave(78, 4, 300)),
    3010: s(fixed(4)),
    3011: f(wave(231, 2, 30)),
    3012: f(wave(6.5, 1.5, 11)),
    3021: f(wave(230, 0.8, 17)),
    3022: f(wave(5.2, 2, 9)),
    3028: s(fixed(2)),
    3020: s(fixed(1)),
    3031: s(fixed(0)),
    3032: s(fixed(1)),
    3049: s(fixed(1)),
    3078: f((t) => 1.2 + t / 36000),
    3081: f((t) => 3.4 + t / 3600),
    3083: f((t) => 2.9 + t / 4000),
    3084: f(wave(50, 0.05, 13)),
    3085: f(wave(50, 0.02, 7)),
    3136: f(wave(1.15, 0.45, 9)),
    3137: f(wave(1.5, 0.35, 11)),
    3139: f(wave(1.25, 0.45, 9)),
  },
  bsp: {
    7000: f(wave(51.7, 0.5, 40)),
    7001: f(wave(12, 20, 30)),
    7002: f(wave(80, 5, 300)),
    7003: f(wave(600, 1000, 30)),
    7004: f(fixed(Number.NaN)),
    7005: f(wave(24, 1, 100)),
    7007: f((t) => 42 + t / 100),
    7008: f((t) => 18 + t / 200),
    7029: f(wave(22, 0.5, 200)),
  },
  variotrack: {
    11000: f(wave(51.8, 0.5, 40)),
    11001: f(wave(30, 10, 20)),
    11002: f(wave(145, 12, 30)),
    11004: f(wave(1.6, 0.5, 20)),
    11007: f((t) => 6.5 + t / 2000),
    11009: f((t) => 12.345 + t / 3.6e6),
    11015: s(fixed(0)),
    11016: s(fixed(8)),
    11038: s(fixed(0)),
  },
  variostring: {
    15000: f(wave(51.8, 0.5, 40)),
    15001: f(wave(40, 12, 20)),
    15004: f(wave(380, 20, 30)),
    15010: f(wave(2.1, 0.6, 20)),
    15017: f((t) => 9.1 + t / 1500),
    15023: f((t) => 20.5 + t / 3.6e6),
    15002: s(fixed(0)),
    15013: s(fixed(3)),
  },
};

export const PARAMETERS: Record<SimKind, Record<number, SimParameter>> = {
  xtender: {
    1107: { format: 'float', value: 32, min: 2, max: 50 },
    1124: { format: 'bool', value: 1, min: 0, max: 1 },
    1125: { format: 'bool', value: 1, min: 0, max: 1 },
    1126: { format: 'bool', value: 1, min: 0, max: 1 },
    1127: { format: 'bool', value: 0, min: 0, max: 1 },
    1138: { format: 'float', value: 60, min: 0, max: 200 },
    1140: { format: 'float', value: 54.4, min: 37.9, max: 72 },
    1156: { format: 'float', value: 57.6, min: 37.9, max: 72 },
    1187: { format: 'float', value: 10, min: 0, max: 100 },
    1296: { format: 'bool', value: 0, min: 0, max: 1 },
    1523: { format: 'float', value: 10, min: 0, max: 50 },
    1525: { format: 'int32', value: 1200, min: 0, max: 1440 },
    1550: { format: 'bool', value: 1, min: 0, max: 1 },
    1552: { format: 'long', value: 2, min: 1, max: 4 },
    1142: { format: 'int32', value: 0, min: 0, max: 1, signal: true },
  },
  bsp: {
    6001: { format: 'float', value: 110, min: 20, max: 20000 },
    6057: { format: 'long', value: 1, min: 1, max: 8 },
  },
  variotrack: {
    10001: { format: 'long', value: 1, min: 1, max: 8 },
    10002: { format: 'float', value: 80, min: 0, max: 80 },
    10005: { format: 'float', value: 54.4, min: 37.9, max: 68.2 },
    10009: { format: 'float', value: 57.6, min: 37.9, max: 68.2 },
  },
  variostring: {
    14005: { format: 'float', value: 54.4, min: 37.9, max: 68.2 },
  },
};

/** Xcom-232i (501) parameters. */
export const XCOM_PARAMETERS: Record<number, SimParameter> = {
  5002: { format: 'int32', value: 0, min: 0, max: 0x7fffffff },
  5104: { format: 'int32', value: 0, min: 0, max: 1, signal: true },
};

export const KIND_ADDRESSES: Record<SimKind, { first: number; last: number }> = {
  xtender: { first: 101, last: 109 },
  variotrack: { first: 301, last: 315 },
  variostring: { first: 701, last: 715 },
  bsp: { first: 601, last: 601 },
};
