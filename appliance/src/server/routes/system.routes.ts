/** Liveness, system information and health, the metrics token, and the API document. */
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { buildOpenApiDocument } from '../openapi.document.ts';
import { API_PREFIX, apiRoutes } from '../app.factory.ts';
import { ApiError } from '../../errors/error.catalogue.ts';

/** System routes. */
export function systemRoutes(s: AppServices): RouteDef<never>[] {
  const started = Date.now();
  return [
    route({
      method: 'get',
      path: '/health',
      access: 'public',
      summary: 'Liveness: the service answers ("starting" while its events database opens; no detail for anonymous callers)',
      handler: () => ({ status: s.health.isStarting() ? 'starting' : 'ok' }),
    }),
    route({
      method: 'get',
      path: '/system/info',
      access: 'viewer',
      summary: 'Version, uptime and memory of the service',
      handler: () => ({ version: s.version, uptimeSeconds: Math.round((Date.now() - started) / 1000), rssBytes: process.memoryUsage().rss, node: process.version }),
    }),
    route({
      method: 'get',
      path: '/system/health',
      access: 'viewer',
      summary: 'Health: service, data disk, call-log writer, live capture and uploads, with problems to act on',
      handler: async () => ({ health: await s.health.snapshot() }),
    }),
    route({
      method: 'get',
      path: '/system/restart',
      access: 'admin',
      summary: 'Whether the service can restart itself (a supervisor such as systemd starts it again after it exits)',
      handler: () => ({ restart: s.restart?.status() ?? { supervised: false, supervisor: '' } }),
    }),
    route({
      method: 'post',
      path: '/system/restart',
      access: 'admin',
      summary: 'Restarts the service through its supervisor (audited); refused with restart_unsupervised when there is none',
      handler: ({ principal, ip, res }) => {
        if (s.restart === undefined) throw new ApiError('restart_unsupervised');
        res.status(202);
        return { restart: s.restart.request(principal!, ip) };
      },
    }),
    route({
      method: 'post',
      path: '/settings/metrics-token',
      access: 'admin',
      summary: 'Creates a new bearer token for scraping /metrics (shown once; the previous one stops working)',
      handler: ({ principal, ip }) => ({ token: s.health.rotateMetricsToken(principal!, ip) }),
    }),
    route({
      method: 'get',
      path: '/openapi.json',
      access: 'viewer',
      summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
      handler: () => buildOpenApiDocument(apiRoutes(s), s.version, API_PREFIX),
    }),
  ] as RouteDef<never>[];
}
