/** The shapes the bridge's REST API and live stream send (see server/web). */
export type { DeviceView, HistoryView, RegisterView } from '../../server/web/deviceView.ts';
export type {
  BrokerLoginView,
  BrokerView,
  CertView as CertInfo,
  Health,
  LogLineView as LogLine,
} from '../../server/web/statusView.ts';
export type { Availability } from '../../server/core/hub.ts';
export type { RegisterValue as Value } from '../../server/core/registers.ts';
export type { DeviceEventView } from '../../server/web/liveStream.ts';
