import { useEffect, useRef } from 'preact/hooks';
import { Overview } from './pages/Overview.tsx';
import { lazyPage } from './components/LazyPage.tsx';
import { href, useRoute, type Route } from './route.ts';

// The device page carries the charts: loaded with it, not with the overview.
const DevicePage = lazyPage(() => import('./pages/DevicePage.tsx').then((m) => m.DevicePage));
const RegistersPage = lazyPage(() => import('./pages/RegistersPage.tsx').then((m) => m.RegistersPage));
const Onboarding = lazyPage(() => import('./pages/Onboarding.tsx').then((m) => m.Onboarding));
const Certificates = lazyPage(() => import('./pages/Certificates.tsx').then((m) => m.Certificates));
const Diagnostics = lazyPage(() => import('./pages/Diagnostics.tsx').then((m) => m.Diagnostics));

const NAV: { page: Route['page']; label: string; to: string }[] = [
  { page: 'overview', label: 'Overview', to: href() },
  { page: 'onboarding', label: 'Add device', to: href('onboarding') },
  { page: 'certificates', label: 'Certificates', to: href('certificates') },
  { page: 'diagnostics', label: 'Diagnostics', to: href('diagnostics') },
];

export function App() {
  const route = useRoute();
  const first = useRef(true);
  // After a page change, keyboard and screen-reader users continue at the new content.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [route.page, 'id' in route ? route.id : '']);
  return (
    <>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link must stay a link for screen readers; the hash is our router's, so it moves focus itself */}
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href()}>
          Wattwire
        </a>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <a key={n.page} href={n.to} aria-current={route.page === n.page ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <Overview />;
    case 'device':
      return <DevicePage key={route.id} id={route.id} />;
    case 'registers':
      return <RegistersPage key={route.id} id={route.id} />;
    case 'onboarding':
      return <Onboarding />;
    case 'certificates':
      return <Certificates />;
    case 'diagnostics':
      return <Diagnostics />;
    case 'missing':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page at {route.path}. <a href={href()}>Go to the overview</a>.
          </p>
        </section>
      );
  }
}
