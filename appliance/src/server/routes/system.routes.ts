/** Liveness and system information. */
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';

/** System routes. */
export function systemRoutes(s: AppServices): RouteDef<never>[] {
  const started = Date.now();
  return [
    route({
      method: 'get',
      path: '/health',
      access: 'public',
      summary: 'Liveness: the service answers (no detail for anonymous callers)',
      handler: () => ({ status: 'ok' }),
    }),
    route({
      method: 'get',
      path: '/system/info',
      access: 'viewer',
      summary: 'Version, uptime and memory of the service',
      handler: () => ({ version: s.version, uptimeSeconds: Math.round((Date.now() - started) / 1000), rssBytes: process.memoryUsage().rss, node: process.version }),
    }),
  ] as RouteDef<never>[];
}
