/** Route modules beyond the core API, registered by the web server. */
import type { RouteModule } from '../server.ts';
import { registerBrokerRoutes } from './broker.ts';
import { registerCertRoutes } from './certs.ts';
import { registerDiagnosticsRoutes } from './diagnostics.ts';
import { registerHistoryRoutes } from './history.ts';
import { registerOnboardingRoutes } from './onboarding.ts';
import { registerOptionsRoutes } from './options.ts';

export const ROUTE_MODULES: RouteModule[] = [
  async (app, ctx) => registerCertRoutes(app, ctx),
  registerOptionsRoutes,
  registerOnboardingRoutes,
  registerDiagnosticsRoutes,
  registerBrokerRoutes,
  registerHistoryRoutes,
];
