/** Route plugins beyond the core API, registered by the web server. */
import type { RoutePlugin } from '../api.ts';
import { brokerRoutes } from './broker.ts';
import { certRoutes } from './certs.ts';
import { diagnosticsRoutes } from './diagnostics.ts';
import { historyRoutes } from './history.ts';
import { onboardingRoutes } from './onboarding.ts';
import { optionsRoutes } from './options.ts';

export const ROUTE_MODULES: readonly RoutePlugin[] = [
  certRoutes,
  optionsRoutes,
  onboardingRoutes,
  diagnosticsRoutes,
  brokerRoutes,
  historyRoutes,
];
