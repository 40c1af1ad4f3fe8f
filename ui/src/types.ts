/** The shapes the bridge's REST API and live stream send (see server/web). */
export type { DeviceView, HistoryView, RegisterView } from '../../server/web/deviceView.ts';
export type Availability = 'online' | 'offline' | 'asleep' | 'fault' | 'connecting' | 'unknown';
export type Value = number | string | boolean | null;

export interface BrokerView {
  source: string;
  url: string;
  connected: boolean;
  queued: number;
  dropped: number;
  published: number;
}

/** `api/broker/login`: the embedded broker's address and login, or `{embedded: false}`. */
export type BrokerLoginView =
  | { embedded: false }
  | { embedded: true; host: string; port: number; wsPort: number; username: string; password: string };

export interface Health {
  status: string;
  version: string;
  /** Milliseconds since the bridge started. */
  uptime: number;
  broker: BrokerView;
  configErrors?: { where: string; message: string }[];
  /** Devices by state. */
  devices?: { total: number; online: number; asleep: number; connecting: number; offline: number; fault: number };
}

export interface DeviceEventView {
  id: string;
  ts: number;
  type: 'alarm' | 'warning' | 'info';
  event: string;
  message: string;
}

export interface CertInfo {
  present: boolean;
  lfdi?: string;
  sfdi?: string | number;
  fingerprint?: string;
  notBefore?: string;
  notAfter?: string;
  daysLeft?: number;
  expiresSoon?: boolean;
  subject?: string;
  certPem?: string;
}

export interface LogLine {
  time: number;
  level: string;
  msg: string;
}
