/** The GET client against a hostile meter: data blocks that never end must not grow memory without bound. */
import { afterEach, expect, it } from 'vitest';
import { DlmsTcpClient } from '../../../server/drivers/dlms/client.ts';
import { DlmsGetServer } from '../../../server/sim/dlms/getServer.ts';

let server: DlmsGetServer | undefined;
let client: DlmsTcpClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.stop();
});

it('gives up on a GET whose data blocks never end, past 64 KiB', async () => {
  server = new DlmsGetServer('ENDLESS', undefined, { endlessBlocks: true });
  const port = await server.listen();
  client = new DlmsTcpClient('127.0.0.1', port);
  await client.connect();
  await client.associate();
  await expect(client.get(3, '1-0:1.8.0.255', 2)).rejects.toThrow(/more than 65536 bytes or 1024 blocks for GET 1-0:1\.8\.0\.255/);
  // 65536 / 200 bytes per block: the client stopped asking at the cap.
  expect(server.requests).toBeLessThan(400);
}, 30_000);
