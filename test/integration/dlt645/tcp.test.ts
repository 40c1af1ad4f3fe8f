import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { addressBytes, meterFrame, RequestReader } from '../../../server/sim/dlt645/slaveFrames.ts';
import { startDlt645Sim, type Dlt645Sim } from '../../../server/sim/dlt645/tcpSim.ts';
import { startDemoSim } from '../../../server/sim/dlt645/demo.ts';
import { optionsSchema } from '../../../server/options/schema.ts';
import { waitFor } from '../../support/ports.ts';
import { eventsOf, startBridge, type Bridge } from './harness.ts';

let bridge: Bridge | undefined;
let sim: Dlt645Sim | undefined;
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.length = 0;
  await sim?.stop();
  await bridge?.stop();
  sim = undefined;
  bridge = undefined;
});

const online = (b: Bridge, id: string) => b.hub.get(id)?.status.availability === 'online';

describe('DL/T 645 over TCP (DTUs dialing in)', () => {
  it('finds talking, silent (0x13) and IMEI-registered meters and publishes their values in the right units', async () => {
    bridge = await startBridge();
    // One meter that stays silent behind a DTU sending its IMEI, one that talks at once.
    sim = startDlt645Sim({
      port: bridge.port,
      addresses: ['000000000012'],
      silentShare: 1,
      registrationShare: 1,
      threePhaseShare: 1,
      heartbeatMs: 100,
    });
    const plain = startDlt645Sim({
      port: bridge.port,
      addresses: ['000000000011'],
      silentShare: 0,
      registrationShare: 0,
      threePhaseShare: 1,
      heartbeatMs: 100,
    });
    try {
      plain.setValue('000000000011', '02030000', 1.2345);
      const b = bridge;
      await waitFor(() => online(b, '000000000011') && online(b, '000000000012'), { what: 'both meters online' });
      await waitFor(() => b.hub.get('000000000011')?.state.totalActivePower === 1234.5, { what: 'power in W' });
      const rec = b.hub.get('000000000012')!;
      await waitFor(() => typeof rec.state.voltageA === 'number', { what: 'silent meter values' });
      expect(rec.info).toMatchObject({ kind: 'dlt645', telemetry: 'register', statusExtra: { ip: '127.0.0.1' } });
      expect(rec.state.voltageA).toBeGreaterThan(220);
      expect(rec.state.voltageA).toBeLessThan(240);
      expect(rec.registers.find((r) => r.key === 'voltageA')?.unit).toBe('V');
      expect(rec.diagnostics).toMatchObject({ registration: '860000000000121', garbageBytes: 0, framesBad: 0 });
      expect(b.driver.diagnostics?.()).toMatchObject({ listening: true, online: 2, garbageBytes: 0 });
      expect(eventsOf(b, '000000000012', 'meter_connected')).toHaveLength(1);
    } finally {
      await plain.stop();
    }
  });

  it('keeps asking a silent connection for its address after the quick attempts fail', async () => {
    // poll_interval 1 s: after three quick read-address attempts it keeps asking once a second.
    bridge = await startBridge();
    const b = bridge;
    const address = '000000000041';
    let asked = 0;
    const socket = net.connect(b.port, '127.0.0.1');
    sockets.push(socket);
    const reader = new RequestReader();
    socket.on('data', (chunk: Buffer) => {
      for (const req of reader.feed(chunk)) {
        // Once awake it answers reads too (the proof that it is behind this connection): "no such data".
        if ((req.control & 0x1f) === 0x11 && asked > 5) socket.write(meterFrame(address, 0xd1, [0x02]));
        if ((req.control & 0x1f) !== 0x13) continue;
        // The meter behind this DTU wakes up only after five unanswered requests.
        if (++asked > 5) socket.write(meterFrame(address, 0x93, addressBytes(address)));
      }
    });
    await waitFor(() => online(b, address), { what: 'the late meter identified', timeoutMs: 25_000 });
    expect(asked).toBe(6);
  }, 30_000);

  it('identifies a silent meter that answers read-address only on 99…99 (as the IVY gateway simulator)', async () => {
    bridge = await startBridge();
    const b = bridge;
    sim = startDlt645Sim({ port: b.port, addresses: ['000000000081'], silentShare: 1, readAddressOn: 'broadcast', heartbeatMs: 0 });
    await waitFor(() => online(b, '000000000081'), { what: 'identified through 99…99', timeoutMs: 20_000 });
  }, 30_000);

  it('identifies a silent listed meter that answers no read-address by reading a register addressed to it', async () => {
    bridge = await startBridge({}, [{ address: '000000000091' }, { address: '000000000092' }]);
    const b = bridge;
    sim = startDlt645Sim({ port: b.port, addresses: ['000000000092'], silentShare: 1, readAddressOn: 'never', heartbeatMs: 0 });
    await waitFor(() => online(b, '000000000092'), { what: 'identified by a register read', timeoutMs: 20_000 });
    expect(online(b, '000000000091')).toBe(false);
  }, 30_000);

  it('strips a registration prefix sent before every packet', async () => {
    bridge = await startBridge();
    sim = startDlt645Sim({ port: bridge.port, addresses: ['000000000021'], silentShare: 0, prefixShare: 1, heartbeatMs: 0 });
    const b = bridge;
    await waitFor(() => b.hub.get('000000000021')?.state.frequency, { what: 'values through the prefix' });
    const diag = b.hub.get('000000000021')!.diagnostics;
    expect(diag).toMatchObject({ registration: '860000000000211', garbageBytes: 0, framesBad: 0 });
  });

  it('reads on demand through the queue, energy never goes backwards', async () => {
    bridge = await startBridge();
    sim = startDlt645Sim({ port: bridge.port, addresses: ['000000000031'], silentShare: 0, timeScale: 3600 });
    const b = bridge;
    const energies: number[] = [];
    b.hub.on('readings', (_rec, readings) => {
      for (const r of readings) if (r.register.key === 'totalActiveEnergy' && typeof r.value === 'number') energies.push(r.value);
    });
    await waitFor(() => online(b, '000000000031'), { what: 'online' });
    const [read] = await b.hub.read('000000000031', ['combinedActiveEnergy']);
    expect(typeof read!.value).toBe('number');
    const concurrent = await Promise.all([
      b.hub.read('000000000031', ['totalActiveEnergy']),
      b.hub.read('000000000031', ['voltageA', 'frequency']),
    ]);
    expect(concurrent.flat().map((r) => r.register.key)).toEqual(['totalActiveEnergy', 'voltageA', 'frequency']);
    await waitFor(() => energies.length >= 4, { what: 'several energy readings' });
    for (let i = 1; i < energies.length; i++) expect(energies[i]).toBeGreaterThanOrEqual(energies[i - 1]!);
    expect(energies.at(-1)).toBeGreaterThan(energies[0]!);
    expect(eventsOf(b, '000000000031', 'counter_regression')).toEqual([]);
  });

  it('raises threshold alarms on crossing only', async () => {
    bridge = await startBridge();
    sim = startDlt645Sim({ port: bridge.port, addresses: ['000000000041'], silentShare: 0, threePhaseShare: 1 });
    const b = bridge;
    await waitFor(() => online(b, '000000000041'), { what: 'online' });
    sim.setValue('000000000041', '02010200', 260.5);
    await waitFor(() => b.hub.get('000000000041')?.state.voltageB === 260.5, { what: 'high voltage read' });
    const polls = (b.hub.get('000000000041')!.diagnostics.polls as number) + 2;
    await waitFor(() => (b.hub.get('000000000041')!.diagnostics.polls as number) >= polls, { what: 'two more polls' });
    expect(eventsOf(b, '000000000041', 'voltage_high')).toEqual([
      expect.objectContaining({ type: 'alarm', data: { phase: 'B', value: 260.5, threshold: 253 } }),
    ]);
    sim.setValue('000000000041', '02010200', undefined);
    await waitFor(() => eventsOf(b, '000000000041', 'voltage_high_cleared').length === 1, { what: 'alarm cleared' });
  });

  it('keeps meters that are not adopted as pending when auto_adopt is off', async () => {
    bridge = await startBridge({ auto_adopt: false }, [{ address: '000000000051', name: 'Garage' }]);
    const b = bridge;
    expect(b.hub.get('000000000051')?.status).toMatchObject({ availability: 'offline', reason: 'waiting for its DTU to connect' });
    sim = startDlt645Sim({ port: b.port, addresses: ['000000000051', '000000000052'], silentShare: 0 });
    await waitFor(() => online(b, '000000000051') && b.driver.pendingMeters().length === 1, { what: 'adopted and pending' });
    expect(b.hub.get('000000000051')?.info.name).toBe('Garage');
    expect(b.hub.get('000000000052')).toBeUndefined();
    expect(b.driver.pendingMeters()).toEqual([expect.objectContaining({ address: '000000000052', ip: '127.0.0.1' })]);
    // The wizard offers it with the options entry that adopts it.
    expect(b.driver.pendingDevices()).toEqual([
      { kind: 'dlt645', label: '000000000052', remote: '127.0.0.1', config: { address: '000000000052' } },
    ]);
    expect(b.driver.diagnostics?.().pendingMeters).toHaveLength(1);
  });

  it('closes the listener and every connection on stop', async () => {
    bridge = await startBridge();
    const b = bridge;
    sim = startDlt645Sim({ port: b.port, addresses: ['000000000071'], silentShare: 0, reconnectMs: 60_000 });
    const s = sim;
    await waitFor(() => online(b, '000000000071'), { what: 'online' });
    await b.stop();
    await waitFor(() => !s.isConnected('000000000071'), { what: 'connection closed by the bridge' });
    const refused = await new Promise((resolve) =>
      net
        .connect(b.port, '127.0.0.1')
        .on('error', () => resolve(true))
        .on('connect', () => resolve(false)),
    );
    expect(refused).toBe(true);
  });

  it('demo: three meters dial in to the port named in the options', async () => {
    bridge = await startBridge({ heartbeat: undefined });
    const b = bridge;
    const demo = await startDemoSim();
    try {
      const options = optionsSchema.parse({ dlt645: { listen_port: b.port, listen: false } });
      demo.configure(options);
      expect(options.dlt645).toMatchObject({ listen: true, listen_port: b.port, heartbeat: 'HEARTBEAT' });
      await waitFor(() => b.hub.list().filter((r) => r.status.availability === 'online').length === 3, {
        what: 'three demo meters online',
      });
    } finally {
      await demo.stop();
    }
  });
});
