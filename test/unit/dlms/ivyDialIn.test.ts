/** Which connections on the DL/T 645 dial-in port are an IVY EM114070: decided by the first bytes alone. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideDialIn } from '../../../server/drivers/dialIn.ts';
import { ivyDialInClaim } from '../../../server/drivers/dlms/ivyDialIn.ts';
import type { DriverContext } from '../../../server/drivers/types.ts';
import { ivyHeartbeatAt } from '../../../server/protocols/dlms/ivy.ts';
import { hex } from './fixtures.ts';

/** protocols/dlms-cosem.md §2: wrapper header, `0A 02 0C`, 12 ASCII digits, `0D`, 2 check bytes. */
const HEARTBEAT = Buffer.concat([hex('00 01 00 01 00 01 00 12 0A 02 0C'), Buffer.from('000000000042', 'latin1'), hex('0D 12 34')]);
const claim = ivyDialInClaim({} as DriverContext, { pollInterval: 60, timeout: 5 });

describe('IVY heartbeat at the start of a dial-in connection', () => {
  it('names the meter once all 26 bytes are there, and waits for more while they may still be one', () => {
    expect(ivyHeartbeatAt(HEARTBEAT)).toBe('000000000042');
    expect(ivyHeartbeatAt(Buffer.concat([HEARTBEAT, hex('C2 00')]))).toBe('000000000042');
    for (let n = 0; n < HEARTBEAT.length; n++) expect(ivyHeartbeatAt(HEARTBEAT.subarray(0, n))).toBe('more');
  });

  it('leaves DL/T 645 frames, preambles and registration packets to DL/T 645 at their first byte', () => {
    expect(decideDialIn([claim], hex('68'))).toBeNull();
    expect(decideDialIn([claim], hex('FE FE FE FE 68'))).toBeNull();
    expect(decideDialIn([claim], Buffer.from('860000000000121'))).toBeNull();
    // Another wrapper frame (a push to the DLMS port's wPorts) is no heartbeat.
    expect(decideDialIn([claim], hex('00 01 00 01 00 67 00 12'))).toBeNull();
  });

  it('refuses a heartbeat whose address is not 12 digits', () => {
    const bad = Buffer.from(HEARTBEAT);
    bad[14] = 0x41;
    expect(ivyHeartbeatAt(bad)).toBeNull();
  });

  it('decides within the first 26 bytes, whatever follows', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 26, maxLength: 300 }), (bytes) => {
        const d = decideDialIn([claim], Buffer.from(bytes));
        expect(d).not.toBe('more');
        // The same decision from the first 26 bytes alone: nothing after them is read.
        const head = decideDialIn([claim], Buffer.from(bytes.subarray(0, 26)));
        expect(d === null ? null : typeof d === 'object' ? d.address : d).toEqual(
          head === null ? null : typeof head === 'object' ? head.address : head,
        );
      }),
    );
  });
});
