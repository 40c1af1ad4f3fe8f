/** Hash routes: the path never leaves the ingress prefix, and reloads land on the same page. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'overview' }
  | { page: 'device'; id: string }
  | { page: 'registers'; id: string }
  | { page: 'onboarding' }
  | { page: 'certificates' }
  | { page: 'diagnostics' }
  | { page: 'missing'; path: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/?/, '/');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'overview' };
  const [head, id] = parts;
  if (head === 'device' && id && parts.length === 2) return { page: 'device', id };
  if (head === 'registers' && id && parts.length === 2) return { page: 'registers', id };
  if (parts.length === 1 && (head === 'onboarding' || head === 'certificates' || head === 'diagnostics')) return { page: head };
  return { page: 'missing', path };
}

export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
