/**
 * Sensitive data: types with their default and current levels (level edits by admins, audited), endpoints and
 * fields carrying each type, and the clients and identities that received the most records. Counts and names only,
 * except the admin-only, audited reveal of a stored raw sample (sensitive-raw.service.ts).
 */
import { z } from 'zod';
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { idParam, parseQuery as parse } from '../route.params.ts';
import { ApiError } from '../../errors/error.catalogue.ts';

const TypeId = z.string().min(1).max(64);
const EndpointsQuery = z.object({
  type: TypeId.optional(),
  host: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});
const SamplesQuery = z.object({
  type: TypeId.optional(),
  host: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const RecipientsQuery = z.object({
  kind: z.enum(['ip', 'identity']).optional(),
  type: TypeId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Sensitive-data routes. */
export function sensitiveRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/sensitive/types',
      access: 'viewer',
      summary: 'Sensitive types with default and current level, endpoints, fields, values and records seen (highest level first)',
      handler: () => ({ types: s.sensitive.types() }),
    }),
    route({
      method: 'put',
      path: '/sensitive/types/:typeId/level',
      access: 'admin',
      summary: 'Sets the level (1–4) of a sensitive type; applies to every view at once (audited)',
      body: z.object({ level: z.number().int().min(1).max(4) }),
      handler: ({ req, body, principal, ip }) => ({ type: s.sensitive.setLevel(parse(TypeId, req.params.typeId), body.level, principal!, ip) }),
    }),
    route({
      method: 'delete',
      path: '/sensitive/types/:typeId/level',
      access: 'admin',
      summary: 'Puts a sensitive type back to its default level (audited)',
      handler: ({ req, principal, ip }) => ({ type: s.sensitive.resetLevel(parse(TypeId, req.params.typeId), principal!, ip) }),
    }),
    route({
      method: 'get',
      path: '/sensitive/types/:typeId/endpoints',
      access: 'viewer',
      summary: 'Endpoints and fields carrying one sensitive type, highest level first (host, limit)',
      handler: ({ req }) => {
        const q = parse(EndpointsQuery, req.query);
        return { endpoints: s.sensitive.endpoints({ typeId: parse(TypeId, req.params.typeId), host: q.host, limit: q.limit }) };
      },
    }),
    route({
      method: 'get',
      path: '/sensitive/endpoints',
      access: 'viewer',
      summary: 'Endpoints carrying sensitive data with their fields and types, labelled by their highest level (type, host, limit)',
      handler: ({ req }) => {
        const q = parse(EndpointsQuery, req.query);
        return { endpoints: s.sensitive.endpoints({ typeId: q.type, host: q.host, limit: q.limit }) };
      },
    }),
    route({
      method: 'get',
      path: '/sensitive/recipients',
      access: 'viewer',
      summary: 'Top client IPs (kind=ip) or identities (kind=identity) by sensitive records received (type, limit)',
      handler: ({ req }) => {
        const q = parse(RecipientsQuery, req.query);
        return { recipients: s.sensitive.recipients({ kind: q.kind, typeId: q.type, limit: q.limit }) };
      },
    }),
    route({
      method: 'get',
      path: '/sensitive/samples',
      access: 'viewer',
      summary: 'Stored raw samples as masked forms with their ids (type, host, limit); enabled=false and none while raw storage is off',
      handler: ({ req }) => {
        const q = parse(SamplesQuery, req.query);
        return s.sensitiveRaw?.list({ typeId: q.type, host: q.host, limit: q.limit }) ?? { enabled: false, samples: [] };
      },
    }),
    route({
      method: 'post',
      path: '/sensitive/samples/:id/reveal',
      access: 'admin',
      summary: 'The raw value of one stored sample (admin only, audited); raw_storage_off while raw storage is off',
      handler: ({ req, principal, ip }) => {
        if (s.sensitiveRaw === undefined) throw new ApiError('raw_storage_off');
        return { sample: s.sensitiveRaw.reveal(idParam(req.params.id), principal!, ip) };
      },
    }),
  ] as RouteDef<never>[];
}
