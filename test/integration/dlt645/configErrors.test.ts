import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../support/ports.ts';
import { startBridge } from './harness.ts';

describe('DL/T 645 listener', () => {
  it('reports a port that is taken as a config error and keeps running', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const { port } = blocker.address() as net.AddressInfo;
    const bridge = await startBridge({ listen_port: port });
    try {
      expect(bridge.configErrors).toEqual([expect.stringMatching(new RegExp(`^dlt645.listen_port: cannot listen on port ${port}`))]);
      expect(bridge.driver.diagnostics?.()).toMatchObject({ listening: false });
    } finally {
      await bridge.stop();
      await new Promise((r) => blocker.close(r));
    }
  });

  it('reports a duplicated meter address and an invalid one, and uses the rest', async () => {
    const bridge = await startBridge({}, [{ address: '000000000301' }, { address: '000000000301' }, { address: '12' }]);
    try {
      expect(bridge.configErrors).toEqual([
        expect.stringContaining('dlt645_meters[2]: address must be the 12-digit meter address'),
        expect.stringContaining('dlt645_meters[1]: address 000000000301 is listed twice'),
      ]);
      expect(bridge.hub.list().map((r) => r.info.id)).toEqual(['000000000301']);
    } finally {
      await bridge.stop();
    }
  });

  it('reports meters sharing a port with different settings, and a missing port as the reason they are offline', async () => {
    const bridge = await startBridge({ listen: false }, [
      { address: '000000000311', serial_port: '/dev/does-not-exist-645' },
      { address: '000000000312', serial_port: '/dev/does-not-exist-645', baud: 9600 },
    ]);
    try {
      expect(bridge.configErrors).toEqual([
        expect.stringContaining('meter 000000000312 on /dev/does-not-exist-645 asks for 9600 baud, parity even'),
      ]);
      await waitFor(
        () => bridge.hub.get('000000000311')?.status.reason === '/dev/does-not-exist-645: the port is not there (adapter unplugged?)',
        { what: 'offline reason' },
      );
      expect(bridge.hub.get('000000000312')?.status.availability).toBe('offline');
    } finally {
      await bridge.stop();
    }
  });
});
