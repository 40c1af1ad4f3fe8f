/**
 * What each piece of a scaled-out installation costs (docs/scale-out.md): HAProxy, each of
 * three NATS nodes and each of two Wattwire instances, at N DL/T 645 meters dialing in through
 * HAProxy. RSS once all meters are online, CPU over a window of whole polls. The simulated
 * meters run in this process; their CPU is reported so that a saturated machine shows.
 *
 *   WATTWIRE_SCALEOUT_SIZES=2000,5000,8000 WATTWIRE_SCALEOUT_POLL_S=60 npm run bench -- scaleout
 *
 * HAProxy holds two descriptors per meter: above about 9,500 meters it needs `ulimit -n`
 * beyond the 20,000 of the build machine.
 */
import os from 'node:os';
import { startDlt645Sim } from '../../server/sim/dlt645/tcpSim.ts';
import { procUsage, ScaleOutCluster } from '../../test/scaleout/cluster.ts';
import { FleetWatch } from '../../test/scaleout/fleetWatch.ts';
import { waitFor } from '../../test/support/ports.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Piece {
  name: string;
  pid: number | undefined;
}

export async function scaleoutRun(meters: number, pollSeconds: number): Promise<Record<string, unknown>> {
  const cluster = await ScaleOutCluster.start({ meters, pollInterval: pollSeconds });
  const watch = await FleetWatch.connect(cluster.brokerUrl(2));
  const sim = startDlt645Sim({
    port: cluster.dialInPort,
    meters,
    firstAddress: 400_000,
    heartbeatMs: 0,
    silentShare: 0,
    registrationShare: 0.3,
    threePhaseShare: 1,
    reconnectMs: 5000,
    seed: 21,
  });
  try {
    const connectStart = Date.now();
    await waitFor(() => watch.consistent() === meters, { what: `${meters} meters online`, timeoutMs: 600_000, intervalMs: 1000 });
    const connectMs = Date.now() - connectStart;
    const pieces: Piece[] = [
      { name: 'haproxy', pid: cluster.haproxy?.pid },
      ...cluster.nodes.map((n) => ({ name: n.name, pid: n.child?.pid })),
      ...cluster.instances.map((x) => ({ name: `instance_${x.name}`, pid: x.child?.pid })),
    ];
    // One poll to settle, then a window of whole polls.
    await sleep(pollSeconds * 1000);
    const before = pieces.map((p) => procUsage(p.pid));
    const simBefore = process.cpuUsage();
    const t0 = Date.now();
    await sleep(2 * pollSeconds * 1000);
    const elapsed = (Date.now() - t0) / 1000;
    const after = pieces.map((p) => procUsage(p.pid));
    const simCpu = process.cpuUsage(simBefore);
    const figures: Record<string, number> = {};
    pieces.forEach((p, i) => {
      figures[`${p.name}_rss_mb`] = Number(after[i]!.rssMb.toFixed(1));
      figures[`${p.name}_cpu_pct`] = Number((((after[i]!.cpuS - before[i]!.cpuS) / elapsed) * 100).toFixed(1));
    });
    return {
      figure: `scaleout_${meters}`,
      meters,
      meters_online: watch.consistent(),
      held_a: watch.heldBy('wattwire/bridge-a').length,
      held_b: watch.heldBy('wattwire/bridge-b').length,
      poll_interval_s: pollSeconds,
      connect_all_ms: connectMs,
      ...figures,
      simulator_cpu_pct: Number((((simCpu.user + simCpu.system) / 1e6 / elapsed) * 100).toFixed(1)),
      machine_cores: os.availableParallelism(),
    };
  } finally {
    await sim.stop();
    await watch.close();
    await cluster.stop();
  }
}

export async function bench(
  sizes = (process.env.WATTWIRE_SCALEOUT_SIZES ?? '2000,5000,8000').split(',').map(Number),
  pollSeconds = Number(process.env.WATTWIRE_SCALEOUT_POLL_S ?? 60),
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const n of sizes) {
    // One size failing (this machine's descriptor limit, say) does not lose the others' figures.
    try {
      out.push(await scaleoutRun(n, pollSeconds));
    } catch (err) {
      out.push({ figure: `scaleout_${n}`, meters: n, error: (err as Error).message });
    }
  }
  return out;
}
