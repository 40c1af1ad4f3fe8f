import { describe, expect, it } from 'vitest';
import { victronSystem } from '../../../server/drivers/victron/options.ts';
import { describeZodError } from '../../../server/options/errors.ts';

const problems = (v: unknown) => {
  const r = victronSystem.safeParse(v);
  return r.success ? '' : describeZodError(r.error, 'victron[0]');
};

describe('Victron options', () => {
  it('accepts a LAN GX and a VRM installation', () => {
    expect(problems({ host: '192.168.1.20' })).toBe('');
    expect(problems({ vrm: true, portal_id: 'c0619ab12345', username: 'me@example.com', token: 't' })).toBe('');
    expect(victronSystem.parse({ host: 'gx', port: '' as unknown as number })).toMatchObject({
      allow_writes: false,
      vrm: false,
      tls: false,
    });
  });

  it('names what is wrong', () => {
    expect(problems({})).toMatch(/victron\[0\]\.host: is required/);
    expect(problems({ vrm: true })).toMatch(/victron\[0\]\.portal_id: is required with vrm/);
    expect(problems({ vrm: true, portal_id: 'c0619ab12345', username: 'u' })).toMatch(/victron\[0\]\.token/);
    expect(problems({ host: 'gx', portal_id: 'xyz' })).toMatch(/portal_id: must be the 12-hex-digit/);
    expect(problems({ host: 'gx', extra_paths: 'battery/#/Soc' })).toMatch(/extra_paths: must be comma-separated patterns/);
    expect(problems({ host: 'gx', topic_prefix: 'victron' })).toMatch(/topic_prefix: must end with/);
    expect(problems({ host: 'gx', id: 'bad id' })).toMatch(/id: may only hold/);
  });
});
