/** The shapes the bridge's REST API and live stream send (see server/web). */
export type { DeviceView, HistoryView, RegisterView } from '../../server/web/deviceView.ts';
export type {
  BrokerLoginView,
  BrokerView,
  CertView as CertInfo,
  Health,
  LogLineView as LogLine,
} from '../../server/web/statusView.ts';
export type Availability = 'online' | 'offline' | 'asleep' | 'fault' | 'connecting' | 'unknown';
export type Value = number | string | boolean | null;

export interface DeviceEventView {
  id: string;
  ts: number;
  type: 'alarm' | 'warning' | 'info';
  event: string;
  message: string;
}
