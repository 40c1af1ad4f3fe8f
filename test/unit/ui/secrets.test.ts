import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REDACTED, redactSecrets, restoreSecrets, SecretRestoreError } from '../../../server/web/secrets.ts';

describe('redactSecrets', () => {
  const options = {
    mqtt: { host: 'core-mosquitto', username: 'addons', password: 'hunter2' },
    dlms_meters: [{ system_title: '4D4D4D0000BC614E', encryption_key: '000102030405060708090A0B0C0D0E0F', authentication_key: '' }],
    victron: [{ host: 'venus.local', password: 'vrm-pass', allow_writes: false }],
    supervisorToken: 'abc',
    apiKey: 'k',
    registers: [{ key: 'voltage', name: 'Voltage' }],
  };

  it('replaces passwords, keys and tokens at any depth and keeps the rest', () => {
    const out = redactSecrets(options);
    expect(out.mqtt).toEqual({ host: 'core-mosquitto', username: 'addons', password: REDACTED });
    expect(out.dlms_meters[0]).toEqual({ system_title: '4D4D4D0000BC614E', encryption_key: REDACTED, authentication_key: '' });
    expect(out.victron[0]!.password).toBe(REDACTED);
    expect(out.victron[0]!.allow_writes).toBe(false);
    expect(out.supervisorToken).toBe(REDACTED);
    expect(out.apiKey).toBe(REDACTED);
    expect(out.registers[0]!.key).toBe('voltage');
    expect(JSON.stringify(out)).not.toMatch(/hunter2|vrm-pass|0A0B0C0D/);
    expect(options.mqtt.password).toBe('hunter2');
  });

  it('cuts private-key PEM blocks out of any text', () => {
    const log = 'imported -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA\n-----END EC PRIVATE KEY----- ok';
    expect(redactSecrets({ msg: log }).msg).toBe(`imported ${REDACTED} ok`);
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'x' };
    a.self = a;
    expect(redactSecrets(a)).toEqual({ name: 'x', self: '[circular]' });
  });

  it('never lets a secret value through, whatever the shape', () => {
    const secret = 'S3CR3T-VALUE';
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 3 }),
        fc.constant({ password: secret }),
        fc.constant({ access_token: secret }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (t) => {
        expect(JSON.stringify(redactSecrets(t))).not.toContain(secret);
      }),
    );
  });
});

describe('restoreSecrets', () => {
  it('puts stored secrets back where the placeholder came back, by device and never by position', () => {
    const stored = {
      mqtt: { password: 'old' },
      kostal: [
        { host: 'a', password: 'pa' },
        { host: 'b', password: 'pb' },
      ],
      victron: [
        { id: 'boat', host: '10.0.0.1', password: 'vb' },
        { id: 'home', host: '10.0.0.2', password: 'vh' },
      ],
    };
    const edited = {
      mqtt: { password: '***' },
      kostal: [{ host: 'b', password: '***' }],
      victron: [
        { id: 'home', host: '10.0.0.2', password: '***' },
        { id: 'boat', host: '10.0.0.1', password: 'new' },
      ],
    };
    expect(restoreSecrets(edited, stored, '***')).toEqual({
      mqtt: { password: 'old' },
      kostal: [{ host: 'b', password: 'pb' }],
      victron: [
        { id: 'home', host: '10.0.0.2', password: 'vh' },
        { id: 'boat', host: '10.0.0.1', password: 'new' },
      ],
    });
  });

  it('refuses a placeholder for a device whose secret is not stored, naming the field', () => {
    const stored = { kostal: [{ host: 'a', password: 'pa' }] };
    expect(() => restoreSecrets({ kostal: [{ host: 'a2', password: '***' }] }, stored, '***')).toThrow(SecretRestoreError);
    expect(() => restoreSecrets({ kostal: [{ host: 'a2', password: '***' }] }, stored, '***')).toThrow(/^kostal\[0\]\.password: /);
    const twins = {
      kostal: [
        { host: 'a', password: 'p1' },
        { host: 'a', password: 'p2' },
      ],
    };
    expect(() => restoreSecrets({ kostal: [{ host: 'a', password: '***' }] }, twins, '***')).toThrow(SecretRestoreError);
  });

  it('leaves the placeholder alone in a field that holds no secret', () => {
    expect(restoreSecrets({ kostal: [{ host: 'x', name: '***' }] }, {}, '***')).toEqual({ kostal: [{ host: 'x', name: '***' }] });
  });
});
