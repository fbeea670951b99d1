/**
 * The stored API inventory (every source merged, with lifecycle states): hosts, endpoints with filters, one
 * endpoint, retiring, pinning and splitting an endpoint's template, the change log, lifecycle settings and "run now" of the lifecycle pass.
 */
import { z } from 'zod';
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import { LifecycleSettingsSchema, SplitRequestSchema } from '../../services/inventory.service.ts';
import { idParam, parseQuery as parse } from '../route.params.ts';

const ListQuery = z.object({
  host: z.string().max(300).optional(),
  state: z.enum(['new', 'active', 'dormant', 'revived', 'retired']).optional(),
  q: z.string().max(300).optional(),
  sensitive: z.enum(['true', 'false']).optional(),
  auth: z.enum(['none', 'basic', 'bearer', 'jwt', 'api_key', 'cookie', 'digest', 'other']).optional(),
  minRisk: z.coerce.number().int().min(0).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

/** Inventory routes. */
export function inventoryRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/inventory/hosts',
      access: 'viewer',
      summary: 'Hosts of the stored inventory with endpoints and calls, and endpoints by lifecycle state',
      handler: () => ({ hosts: s.inventory.hosts(), states: s.inventory.stateCounts() }),
    }),
    route({
      method: 'get',
      path: '/inventory/apis',
      access: 'viewer',
      summary: 'Stored endpoints (every source merged), busiest first (host, state, q, sensitive, auth, minRisk, limit, offset)',
      handler: ({ req }) => {
        const q = parse(ListQuery, req.query);
        return s.inventory.list({ ...q, sensitive: q.sensitive === undefined ? undefined : q.sensitive === 'true' });
      },
    }),
    route({
      method: 'get',
      path: '/inventory/apis/:id',
      access: 'viewer',
      summary: 'One stored endpoint',
      handler: ({ req }) => {
        const e = s.inventory.get(idParam(req.params.id));
        if (e === undefined) throw new ApiError('not_found');
        return { endpoint: e };
      },
    }),
    route({
      method: 'post',
      path: '/inventory/apis/:id/retire',
      access: 'analyst',
      summary: 'Marks an endpoint retired (it is revived if it is seen again)',
      handler: ({ req, principal, ip }) => ({ endpoint: s.inventory.retire(idParam(req.params.id), principal!, ip) }),
    }),
    route({
      method: 'post',
      path: '/inventory/apis/:id/pin',
      access: 'analyst',
      summary: "Pins an endpoint's template: it is never merged into a parameter or re-templated again",
      handler: ({ req, principal, ip }) => ({ endpoint: s.inventory.pin(idParam(req.params.id), principal!, ip) }),
    }),
    route({
      method: 'post',
      path: '/inventory/apis/:id/unpin',
      access: 'analyst',
      summary: "Removes the pin of an endpoint's template",
      handler: ({ req, principal, ip }) => ({ endpoint: s.inventory.unpin(idParam(req.params.id), principal!, ip) }),
    }),
    route({
      method: 'post',
      path: '/inventory/apis/:id/split',
      access: 'analyst',
      summary: "Splits an endpoint's template at a parameter (`position`, default the last): `values` stay literal, or without values the parameter is dissolved into literal endpoints",
      body: SplitRequestSchema,
      handler: ({ req, body, principal, ip }) => s.inventory.split(idParam(req.params.id), body, principal!, ip),
    }),
    route({
      method: 'get',
      path: '/inventory/decisions',
      access: 'viewer',
      summary: 'User decisions on templates (pin, split, dissolve) the templaters honour',
      handler: () => ({ decisions: s.inventory.decisions() }),
    }),
    route({
      method: 'get',
      path: '/inventory/changes',
      access: 'viewer',
      summary: 'The inventory change log, newest first (`since` ISO time or epoch ms, `limit`)',
      handler: ({ req }) => {
        const q = parse(z.object({ since: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(5000).optional() }), req.query);
        const since = q.since === undefined ? 0 : /^\d+$/.test(q.since) ? Number(q.since) : Date.parse(q.since);
        if (!Number.isFinite(since)) throw new ApiError('validation_failed', [{ path: 'since', message: 'must be ISO 8601 or epoch milliseconds' }]);
        return { changes: s.inventory.changes(since, q.limit ?? 200) };
      },
    }),
    route({
      method: 'get',
      path: '/settings/lifecycle',
      access: 'analyst',
      summary: 'Lifecycle settings: days an endpoint stays new, days without calls before it is dormant',
      handler: () => ({ lifecycle: s.inventory.lifecycleSettings() }),
    }),
    route({
      method: 'put',
      path: '/settings/lifecycle',
      access: 'admin',
      summary: 'Changes the lifecycle settings',
      body: LifecycleSettingsSchema,
      handler: ({ body, principal, ip }) => ({ lifecycle: s.inventory.setLifecycleSettings(body, principal!, ip) }),
    }),
    route({
      method: 'post',
      path: '/inventory/lifecycle/run',
      access: 'admin',
      summary: 'Runs the lifecycle pass now (states new, active, dormant)',
      handler: () => ({ result: s.inventory.runLifecycle() }),
    }),
  ] as RouteDef<never>[];
}
