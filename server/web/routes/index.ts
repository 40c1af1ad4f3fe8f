/** Route modules beyond the core API, registered by the web server. */
import type { RouteModule } from '../server.ts';

export const ROUTE_MODULES: RouteModule[] = [];
