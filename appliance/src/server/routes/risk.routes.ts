/**
 * Endpoint risk: the stored score of an endpoint with its factor breakdown and history, and the endpoints whose
 * score moved most in a period (the reports' risk movers).
 */
import { z } from 'zod';
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import { idParam, parseQuery } from '../route.params.ts';

const MoversQuery = z.object({
  from: z.coerce.number().int().min(0),
  to: z.coerce.number().int().min(0),
  hosts: z.string().max(4000).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** Risk routes. */
export function riskRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/risk/endpoints/:id',
      access: 'viewer',
      summary: 'The risk score of a stored endpoint with its factors (sensitivity, auth, exposure, attacks, abuse: points, cap, reasons) and score history',
      handler: ({ req }) => {
        const r = s.risk.breakdown(idParam(req.params.id));
        if (r === undefined) throw new ApiError('not_found');
        return { risk: r };
      },
    }),
    route({
      method: 'get',
      path: '/risk/movers',
      access: 'viewer',
      summary: 'Endpoints whose risk score moved most between `from` and `to` (epoch ms), optionally for some hosts (comma-separated)',
      handler: ({ req }) => {
        const q = parseQuery(MoversQuery, req.query);
        if (q.to < q.from) throw new ApiError('validation_failed', [{ path: 'to', message: 'to must not be before from' }]);
        const hosts = q.hosts === undefined ? [] : q.hosts.split(',').map((h) => h.trim()).filter((h) => h !== '');
        return { movers: s.risk.movers(q.from, q.to, hosts, q.limit ?? 50) };
      },
    }),
  ];
}
