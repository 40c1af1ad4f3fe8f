/**
 * The Xtender simulator for `npm run demo`: three Xtenders, a VarioTrack and a BSP on a socat
 * PTY. For the chaos run an Xtender can drop off the CAN bus (the seed's fault: the gateway
 * answers "response timeout" for it and nonsense for the others until a new session, then
 * "device not found") and the USB serial adapter can be unplugged and plugged back in.
 */
import type { Options } from '../../options/schema.ts';
import { decodeGuid } from '../../protocols/scom/guid.ts';
import { overlappingFault, type DemoSim, type SimTruth } from '../demoSim.ts';
import type { SimKind } from './catalogue.ts';
import { parseDeviceList, type SimDeviceSpec } from './gateway.ts';
import { openSocatPty } from '../socatPty.ts';
import { XtenderSimulator } from './simulator.ts';

/**
 * The counters (total_increasing) the bridge publishes, by SCOM user info id (studer-scom.md §8),
 * with the decimals it rounds them to (kWh and Ah to 2 and 1, MWh totals to 3).
 */
const COUNTERS: Record<SimKind, Record<number, [key: string, decimals: number]>> = {
  xtender: { 3078: ['battery_discharge_today', 2], 3081: ['energy_ac_in_today', 2], 3083: ['energy_consumers_today', 2] },
  variotrack: { 11007: ['pv_energy_today', 2], 11009: ['pv_energy_total', 3] },
  variostring: { 15017: ['pv_energy_today', 2], 15023: ['pv_energy_total', 3] },
  bsp: { 7007: ['ah_charged_today', 1], 7008: ['ah_discharged_today', 1] },
};
const DROPPED_ADDRESS = 102;
/** The bridge finds a returned device at its next bus scan; the shortest interval it accepts. */
const RESCAN_INTERVAL_S = 10;

/** The bridge names a device by its FID (serial number) in hex, the gateway by its GUID. */
const deviceId = (spec: SimDeviceSpec) => `xtender_${spec.fid.toString(16).toUpperCase().padStart(8, '0')}`;
function gatewayId(guid: Buffer): string {
  const decoded = decodeGuid(guid);
  if (!decoded.ok) throw new Error(decoded.error);
  return `xtender_xcom_${decoded.value.replace(/-/g, '').toUpperCase()}`;
}

export async function startDemoSim(): Promise<DemoSim> {
  const pty = await openSocatPty();
  let frozenAt: number | undefined;
  const sim = new XtenderSimulator({
    path: pty.simPath,
    devices: parseDeviceList('xt:3,vt:1,bsp:1'),
    latencyMs: 20,
    wireTiming: true,
    now: () => frozenAt ?? Date.now(),
  });
  await sim.start();
  const dropOut = overlappingFault(
    'xtender: one Xtender drops out',
    () => sim.gateway.dropOut(DROPPED_ADDRESS),
    () => sim.gateway.restore(DROPPED_ADDRESS),
  );
  // The bridge's port path disappears and comes back pointing at a new PTY; the simulator reopens its end.
  const unplug = overlappingFault(
    'xtender: serial link closes and reopens',
    () => pty.close(),
    () => pty.reopen(),
  );
  const faults = [dropOut, unplug];

  function truth(): SimTruth[] {
    const unplugged = unplug.active;
    const devices = sim.gateway.devices.map((spec): SimTruth => {
      const gone = unplugged || (dropOut.active && spec.address === DROPPED_ADDRESS);
      const counters: Record<string, number> = {};
      for (const [objectId, [key, decimals]] of Object.entries(COUNTERS[spec.kind])) {
        // FLOAT infos travel as float32, which the bridge rounds to the register's precision.
        counters[key] = Number(Math.fround(sim.gateway.infoNow(spec.address, Number(objectId)) ?? Number.NaN).toFixed(decimals));
      }
      return { id: deviceId(spec), availability: gone ? 'offline' : 'online', counters };
    });
    return [{ id: gatewayId(sim.gateway.guid), availability: unplugged ? 'offline' : 'online', counters: {} }, ...devices];
  }

  return {
    kind: 'xtender',
    configure(options: Options): void {
      options.xtender.push({ name: 'Xtender demo', serial_port: pty.bridgePath, allow_writes: true, rescan_interval: RESCAN_INTERVAL_S });
    },
    async stop(): Promise<void> {
      await unplug.idle;
      await sim.stop();
      await pty.close();
    },
    faults: () => faults,
    truth,
    freeze() {
      frozenAt = Date.now();
    },
  };
}
