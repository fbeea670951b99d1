/**
 * Declared specs and the spec-vs-traffic views: upload (raw body, `?name=`, `?hosts=a,b`), list, one spec with its
 * operations, delete; the comparison (shadow, zombie, orphan, drift) and the reconstructed OpenAPI 3.1 per host.
 */
import { route, RESPONDED, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import { exportHostOpenApi } from '../../specs/openapi.export.ts';
import { diffInventory } from '../../specs/spec.diff.ts';
import { currentReport } from './captures.routes.ts';
import { idParam } from '../route.params.ts';

/** Spec routes. */
export function specRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'post',
      path: '/specs',
      access: 'analyst',
      summary: 'Uploads a declared OpenAPI 3.0/3.1 or Swagger 2.0 spec (raw JSON or YAML body; `?name=`, `?hosts=` to attach it to hosts)',
      handler: async ({ req, res, principal, ip }) => {
        const name = typeof req.query.name === 'string' ? req.query.name : 'spec';
        const hosts = typeof req.query.hosts === 'string' && req.query.hosts !== '' ? req.query.hosts.split(',') : [];
        const spec = await s.specs.upload(req, name, hosts, principal!, ip);
        res.status(spec.created ? 201 : 200).json({ spec });
        return RESPONDED;
      },
    }),
    route({
      method: 'get',
      path: '/specs',
      access: 'viewer',
      summary: 'Declared specs',
      handler: () => ({ specs: s.specs.list() }),
    }),
    route({
      method: 'get',
      path: '/specs/:id',
      access: 'viewer',
      summary: 'One declared spec with its operations',
      handler: async ({ req }) => {
        const spec = await s.specs.get(idParam(req.params.id));
        if (spec === undefined) throw new ApiError('not_found');
        return { spec };
      },
    }),
    route({
      method: 'delete',
      path: '/specs/:id',
      access: 'analyst',
      summary: 'Deletes a declared spec',
      handler: ({ req, principal, ip }) => {
        s.specs.remove(idParam(req.params.id), principal!, ip);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/inventory/diff',
      access: 'viewer',
      summary: 'The stored inventory (every source) against the declared specs: shadow, zombie and orphan APIs and drift (`?run=` or `?source=` for one analysed source)',
      handler: async ({ req }) => {
        let run = { id: 0, name: 'inventory' };
        let endpoints = s.inventory.asReportEndpoints();
        if (req.query.run !== undefined || req.query.source !== undefined) {
          const r = currentReport(s, req.query);
          run = r.run;
          endpoints = r.report.endpoints;
        }
        const diff = diffInventory(endpoints, await s.specs.matcher());
        return { run: { id: run.id, name: run.name }, shadow: diff.shadow, zombie: diff.zombie, orphan: diff.orphan, drift: diff.drift };
      },
    }),
    route({
      method: 'get',
      path: '/inventory/openapi',
      access: 'viewer',
      summary: 'The reconstructed OpenAPI 3.1 spec of one host (`?host=`) from the stored inventory, as a download',
      handler: async ({ req, res }) => {
        const host = typeof req.query.host === 'string' ? req.query.host : '';
        const stored = s.inventory.asReportEndpoints(host);
        const endpoints = stored.length > 0 ? stored : (await s.specs.apply(currentReport(s, req.query).report)).report.endpoints;
        if (!endpoints.some((e) => e.host === host)) throw new ApiError('not_found', undefined, 'No endpoint was seen on that host.');
        const doc = exportHostOpenApi(host, endpoints, s.version);
        res.setHeader('Content-Disposition', `attachment; filename="${host.replace(/[^A-Za-z0-9.-]/g, '_')}.openapi.json"`);
        res.json(doc);
        return RESPONDED;
      },
    }),
  ] as RouteDef<never>[];
}
