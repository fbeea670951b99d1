/**
 * Policies: list, create, change (including enable/disable), delete user policies, the actions they raised, and
 * "test this policy" (a draft replayed over the stored calls of the last hours).
 */
import { z } from 'zod';
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import { PolicyInputSchema } from '../../policies/policy.types.ts';
import { idParam } from '../route.params.ts';
import { MAX_PREVIEW_HOURS } from '../../services/policy-preview.service.ts';

const PreviewSchema = z.object({ policy: PolicyInputSchema, hours: z.number().int().min(1).max(MAX_PREVIEW_HOURS).default(1) });

/** Policy routes. */
export function policyRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({ method: 'get', path: '/policies', access: 'viewer', summary: 'Policies (built-in and user), in order', handler: () => ({ policies: s.policies.list() }) }),
    route({
      method: 'get',
      path: '/policies/events',
      access: 'viewer',
      summary: 'Notify and block actions raised by policies, newest first (`limit`)',
      handler: ({ req }) => {
        const q = z.object({ limit: z.coerce.number().int().min(1).max(5000).optional() }).safeParse(req.query);
        if (!q.success) throw new ApiError('validation_failed');
        return { events: s.policies.events(q.data.limit ?? 200) };
      },
    }),
    route({
      method: 'post',
      path: '/policies/preview',
      access: 'viewer',
      summary: 'What a draft policy would have done over the stored calls of the last `hours` hours (nothing is saved or sent)',
      body: PreviewSchema,
      handler: async ({ body }) => ({ preview: await s.policyPreview.preview(body.policy, body.hours) }),
    }),
    route({
      method: 'get',
      path: '/policies/:id',
      access: 'viewer',
      summary: 'One policy',
      handler: ({ req }) => ({ policy: s.policies.get(idParam(req.params.id)) }),
    }),
    route({
      method: 'post',
      path: '/policies',
      access: 'admin',
      summary: 'Creates a policy (applies to live capture at once)',
      body: PolicyInputSchema,
      handler: ({ body, principal, ip }) => ({ policy: s.policies.create(body, principal!, ip) }),
    }),
    route({
      method: 'put',
      path: '/policies/:id',
      access: 'admin',
      summary: 'Changes a policy, built-in ones included (applies at once)',
      body: PolicyInputSchema,
      handler: ({ req, body, principal, ip }) => ({ policy: s.policies.update(idParam(req.params.id), body, principal!, ip) }),
    }),
    route({
      method: 'delete',
      path: '/policies/:id',
      access: 'admin',
      summary: 'Deletes a user policy (built-in ones can only be disabled)',
      handler: ({ req, principal, ip }) => {
        s.policies.remove(idParam(req.params.id), principal!, ip);
        return undefined;
      },
    }),
  ] as RouteDef<never>[];
}
