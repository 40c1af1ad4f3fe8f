import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A page whose code is loaded on first visit, so the first page (the overview) stays small.
 * `load` must be a stable module-level function.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | undefined>(() => loaded);
    const [error, setError] = useState<string>();
    useEffect(() => {
      if (Page) return;
      load().then(
        (p) => {
          loaded = p;
          setPage(() => p);
        },
        (err: unknown) => setError(String(err)),
      );
    }, []);
    if (error)
      return (
        <p class="error" role="alert">
          This page could not be loaded: {error}
        </p>
      );
    return Page ? <Page {...props} /> : <p class="muted">Loading…</p>;
  };
}
