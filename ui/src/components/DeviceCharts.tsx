import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { shownAs } from '../quantity.ts';
import type { DeviceView, HistoryView, RegisterView } from '../types.ts';
import { HistoryChart } from './HistoryChart.tsx';

/** The newest bucket follows the value as it arrives; once a minute is enough for a chart of a day. */
const REFRESH_MS = 60_000;

/** A day of history for each numeric value of a device, kept by the bridge (it survives a panel reload). */
export function DeviceCharts({ device }: { device: DeviceView }) {
  const keys = device.registers
    .filter((r) => r.entityCategory !== 'diagnostic' && typeof device.state[r.key] === 'number')
    .map((r) => r.key);
  const keyList = keys.join(',');
  const [histories, setHistories] = useState<Record<string, HistoryView>>({});
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let current = true;
    const load = async () => {
      const loaded = await Promise.all(
        keys.map((k) =>
          api<HistoryView>(`api/devices/${encodeURIComponent(device.id)}/history?key=${encodeURIComponent(k)}`).catch(() => undefined),
        ),
      );
      if (!current) return;
      setNow(Date.now());
      setHistories(Object.fromEntries(loaded.filter((h) => h !== undefined).map((h) => [h.key, h])));
    };
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [device.id, keyList]);
  if (keys.length === 0) return null;
  return (
    <section aria-labelledby="history">
      <h2 id="history">Last 24 hours</h2>
      <div class="charts">
        {keys.map((k) => {
          const h = histories[k];
          const reg = device.registers.find((r) => r.key === k);
          return h && reg ? <HistoryChart key={k} name={reg.name} history={inShownUnit(reg, h)} now={now} /> : null;
        })}
      </div>
    </section>
  );
}

/** The chart in the unit the value is shown in elsewhere in the panel (W, kWh). */
function inShownUnit(reg: RegisterView, h: HistoryView): HistoryView {
  const { unit, factor, precision } = shownAs(reg);
  if (factor === 1) return h;
  const scale = (xs: number[]) => xs.map((x) => x * factor);
  return { ...h, unit, precision, min: scale(h.min), max: scale(h.max), last: scale(h.last) };
}
