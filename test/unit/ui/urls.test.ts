import { describe, expect, it } from 'vitest';
import { apiUrl, baseHref, signInUrl } from '../../../ui/src/urls.ts';
import { parseHash, href } from '../../../ui/src/route.ts';

describe('API URLs derived from the page location', () => {
  const ingress = 'https://ha.local:8123/api/hassio_ingress/Xy9-token_AB/';

  it('stay under the ingress prefix', () => {
    expect(apiUrl('api/devices', ingress)).toBe('https://ha.local:8123/api/hassio_ingress/Xy9-token_AB/api/devices');
    expect(apiUrl('api/stream', `${ingress}#/device/abc`)).toBe('https://ha.local:8123/api/hassio_ingress/Xy9-token_AB/api/stream');
    expect(apiUrl('api/health', `${ingress}index.html?x=1#/diagnostics`)).toBe(
      'https://ha.local:8123/api/hassio_ingress/Xy9-token_AB/api/health',
    );
  });

  it('never become absolute paths, even when given one', () => {
    expect(apiUrl('/api/devices', ingress)).toBe('https://ha.local:8123/api/hassio_ingress/Xy9-token_AB/api/devices');
  });

  it('sign in on the same page, whatever query it had, keeping the route', () => {
    expect(signInUrl('a b&c', 'http://192.168.1.5:8099/?token=old#/certificates')).toBe(
      'http://192.168.1.5:8099/?token=a%20b%26c#/certificates',
    );
  });

  it('work directly on the add-on port', () => {
    expect(apiUrl('api/devices', 'http://127.0.0.1:8099/#/')).toBe('http://127.0.0.1:8099/api/devices');
    expect(baseHref('http://127.0.0.1:8099/index.html#/certificates')).toBe('http://127.0.0.1:8099/');
  });
});

describe('hash routes', () => {
  it('parse every page', () => {
    expect(parseHash('')).toEqual({ page: 'overview' });
    expect(parseHash('#/')).toEqual({ page: 'overview' });
    expect(parseHash('#/device/meter_01')).toEqual({ page: 'device', id: 'meter_01' });
    expect(parseHash('#/registers/a-b')).toEqual({ page: 'registers', id: 'a-b' });
    expect(parseHash('#/onboarding')).toEqual({ page: 'onboarding' });
    expect(parseHash('#/certificates')).toEqual({ page: 'certificates' });
    expect(parseHash('#/diagnostics')).toEqual({ page: 'diagnostics' });
    expect(parseHash('#/nothing/here')).toEqual({ page: 'missing', path: '/nothing/here' });
  });

  it('round-trip ids through href', () => {
    expect(parseHash(href('device', 'x y/z'))).toEqual({ page: 'device', id: 'x y/z' });
  });
});
