/**
 * Issue 20: two Wattwire instances behind HAProxy on a three-node NATS cluster, with DL/T 645
 * meters dialing in through the balancer. 1: a meter is announced, published and answered only
 * by the instance holding its connection. 2: kill one instance and every meter is online on the
 * survivor within 60 s, with no counter going back. 3: kill the broker node the survivor uses:
 * it moves to another node, publishes its retained status and discovery again, and answers the
 * command the cluster kept while it was away. Run by `npm run test:scaleout` (not `npm test`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dlt645Sim, startDlt645Sim } from '../../server/sim/dlt645/tcpSim.ts';
import { waitFor } from '../support/ports.ts';
import { ScaleOutCluster } from './cluster.ts';
import { FleetWatch } from './fleetWatch.ts';

const METERS = Number(process.env.WATTWIRE_SCALEOUT_METERS ?? 500);
const POLL_S = 10;
const A = 'wattwire/bridge-a';
const B = 'wattwire/bridge-b';

let cluster: ScaleOutCluster;
let watch: FleetWatch;
let sim: Dlt645Sim | undefined;

beforeAll(async () => {
  cluster = await ScaleOutCluster.start({ meters: METERS, pollInterval: POLL_S });
  // Home Assistant's view, from the node nobody is killed on.
  watch = await FleetWatch.connect(cluster.brokerUrl(2));
  await waitFor(() => watch.bridgeStatus.get('bridge-a') === 'online' && watch.bridgeStatus.get('bridge-b') === 'online', {
    what: 'both instances online on the broker',
    timeoutMs: 90_000,
    intervalMs: 500,
  });
  sim = startDlt645Sim({
    port: cluster.dialInPort,
    meters: METERS,
    firstAddress: 300_000,
    heartbeatMs: 0,
    silentShare: 0,
    registrationShare: 0,
    threePhaseShare: 1,
    reconnectMs: 2000,
    seed: 20,
  });
}, 240_000);

afterAll(async () => {
  await sim?.stop();
  await watch?.close();
  await cluster?.stop();
}, 60_000);

/** waitFor, with what the fleet looks like in the error when it times out. */
async function until(fn: () => boolean, what: string, timeoutMs: number): Promise<void> {
  try {
    await waitFor(fn, { what, timeoutMs, intervalMs: 500 });
  } catch (err) {
    throw new Error(`${(err as Error).message} (${watch.summary()})`);
  }
}

/** Each meter published by one instance: no meter gets more state messages in two polls than one instance sends. */
async function publishedOnce(): Promise<void> {
  watch.resetStateCounts();
  const start = Date.now();
  await waitFor(() => Date.now() - start >= 2 * POLL_S * 1000, { what: 'two polls', timeoutMs: 3 * POLL_S * 1000, intervalMs: 500 });
  const most = Math.max(...watch.stateCounts.values());
  // Two polls, plus one at each edge of the window; a meter published by two instances would show twice that.
  expect(most).toBeLessThanOrEqual(4);
}

describe.sequential('scale-out', () => {
  it('1: a meter belongs to the instance holding its connection; only that one announces and answers for it', async () => {
    await until(() => watch.consistent() === METERS, `${METERS} meters online, each announced by the instance that publishes it`, 240_000);
    const onA = watch.heldBy(A);
    const onB = watch.heldBy(B);
    expect(onA.length + onB.length).toBe(METERS);
    expect(onA.length).toBeGreaterThan(0);
    expect(onB.length).toBeGreaterThan(0);
    await publishedOnce();

    await watch.command(onA[0]!, 'to-a');
    await watch.command(onB[0]!, 'to-b');
    await watch.command('999999999999', 'to-nobody');
    // Each instance handles its commands in order: once both fences are answered, any second answer would be in.
    await watch.command(onA[1]!, 'fence-a');
    await watch.command(onB[1]!, 'fence-b');
    await waitFor(() => watch.responsesTo('fence-a') > 0 && watch.responsesTo('fence-b') > 0, { what: 'fence answers', timeoutMs: 60_000 });
    expect(watch.responsesTo('to-a')).toBe(1);
    expect(watch.responsesTo('to-b')).toBe(1);
    expect(watch.responsesTo('to-nobody')).toBe(0);
    expect(watch.responses.filter((r) => r.requestId === 'to-a' || r.requestId === 'to-b').every((r) => r.success)).toBe(true);
  }, 360_000);

  it('2: an instance dies; its meters redial through HAProxy and are online on the survivor within 60 s', async () => {
    const onA = watch.heldBy(A);
    expect(onA.length).toBeGreaterThan(0);
    await cluster.killInstance('a');
    // The broker publishes A's last will: Home Assistant shows A's meters unavailable.
    await waitFor(() => watch.bridgeStatus.get('bridge-a') === 'offline', { what: "A's last will", timeoutMs: 30_000 });
    await until(() => watch.heldBy(B).length === METERS, `all ${METERS} meters online on B, announced with B's availability`, 60_000);
    await publishedOnce();
    expect(watch.regressions).toEqual([]);
  }, 180_000);

  it('3: the broker node of the survivor dies; it moves on, re-publishes, and answers the command the cluster kept', async () => {
    const onB = watch.heldBy(B);
    watch.discoveryCount = 0;
    await cluster.killNode(1);
    // Published while B has no broker: the cluster keeps it in B's session.
    await watch.command(onB[0]!, 'kept');
    await waitFor(() => watch.responsesTo('kept') > 0, { what: 'the kept command answered', timeoutMs: 120_000, intervalMs: 500 });
    await waitFor(() => watch.discoveryCount >= METERS && watch.bridgeStatus.get('bridge-b') === 'online', {
      what: 'discovery and status re-published after the move',
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    await until(() => watch.heldBy(B).length === METERS, 'every meter still online on B', 60_000);
    expect(watch.regressions).toEqual([]);
  }, 240_000);
});
