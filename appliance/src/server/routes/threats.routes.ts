/**
 * Threats: findings kept with their status (filters: status, category, host, client, method, path), status changes
 * (acknowledge, resolve, false positive, reopen), and the attacker view of an IP or identity (linked IPs and
 * identities, endpoints and data touched, findings and calls on one timeline).
 */
import { z } from 'zod';
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import { FINDING_STATUSES } from '../../analyzers/tracing/findings.repository.ts';
import { parseQuery as parse } from '../route.params.ts';

const Status = z.enum(FINDING_STATUSES);
const ListQuery = z.object({
  status: z.string().max(100).optional(),
  category: z.enum(['attack', 'abuse', 'exposure', 'inventory', 'sensitive', 'policy']).optional(),
  host: z.string().max(300).optional(),
  client: z.string().max(100).optional(),
  method: z.string().max(16).optional(),
  path: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

/** Threat routes. */
export function threatRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/threats/findings',
      access: 'viewer',
      summary: 'Findings of every source with their status, most severe and recent first (status=open,acknowledged; category; host; client; method; path; limit)',
      handler: ({ req }) => {
        const q = parse(ListQuery, req.query);
        const status = q.status === undefined ? undefined : q.status.split(',').map((x) => parse(Status, x));
        return { findings: s.threats.list({ status, category: q.category, host: q.host, clients: q.client === undefined ? undefined : [q.client], method: q.method, path: q.path, limit: q.limit }) };
      },
    }),
    route({
      method: 'get',
      path: '/threats/findings/:id',
      access: 'viewer',
      summary: 'One finding',
      handler: ({ req }) => ({ finding: s.threats.get(Number(req.params.id)) }),
    }),
    route({
      method: 'post',
      path: '/threats/findings/:id/status',
      access: 'analyst',
      summary: 'Sets a finding status: open, acknowledged, resolved, false_positive (with a note)',
      body: z.object({ status: Status, note: z.string().max(2000).default('') }),
      handler: ({ req, body, principal, ip }) => ({ finding: s.threats.setStatus(Number(req.params.id), body.status, body.note, principal!, ip) }),
    }),
    route({
      method: 'get',
      path: '/threats/trace',
      access: 'analyst',
      summary: 'The attacker view of a client (`ip=`) or identity (`identity=`): linked actors, endpoints, data, timeline',
      handler: async ({ req }) => {
        const q = parse(z.object({ ip: z.string().max(64).optional(), identity: z.string().max(300).optional() }), req.query);
        if ((q.ip === undefined) === (q.identity === undefined)) throw new ApiError('validation_failed', [{ path: 'ip', message: 'give either ip or identity' }]);
        return { trace: await s.threats.trace(q.ip !== undefined ? { ip: q.ip } : { identity: q.identity! }) };
      },
    }),
  ] as RouteDef<never>[];
}
