/**
 * Notification channels: the kinds and their settings schemas, channel list/read (analyst), create, replace, delete
 * and "send test" (admin), and the delivery records (analyst).
 */
import { route, RESPONDED, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import { ChannelBodySchema } from '../../notifiers/notifier-channels.service.ts';

function idParam(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ApiError('not_found');
  return n;
}

function optionalInt(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ApiError('bad_request', { [name]: 'must be a positive integer' });
  return n;
}

/** Notifier routes. */
export function notifierRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/notifiers/kinds',
      access: 'analyst',
      summary: 'Notifier kinds with their labels, secret fields and settings schema (JSON Schema)',
      handler: () => ({ kinds: s.notifierChannels.kinds() }),
    }),
    route({
      method: 'get',
      path: '/notifiers/deliveries',
      access: 'analyst',
      summary: 'Delivery records, newest first (`?channel=`, keyset paging with `before`, `limit` ≤ 500)',
      handler: ({ req }) => {
        const limit = Math.min(500, optionalInt(req.query.limit, 'limit') ?? 100);
        return { deliveries: s.notifierChannels.deliveries(limit, optionalInt(req.query.channel, 'channel'), optionalInt(req.query.before, 'before')) };
      },
    }),
    route({
      method: 'post',
      path: '/notifiers/deliveries/:id/retry',
      access: 'admin',
      summary: 'Sends the alert of a failed delivery again through its channel; returns the new delivery record',
      handler: async ({ req, principal, ip }) => {
        const d = await s.notifierChannels.retry(idParam(req.params.id), principal!, ip);
        return { delivery: d };
      },
    }),
    route({
      method: 'get',
      path: '/notifiers',
      access: 'analyst',
      summary: 'Notification channels (secrets shown as ********)',
      handler: () => ({ channels: s.notifierChannels.list() }),
    }),
    route({
      method: 'post',
      path: '/notifiers',
      access: 'admin',
      summary: 'Creates a notification channel',
      body: ChannelBodySchema,
      handler: ({ body, principal, ip, res }) => {
        res.status(201).json({ channel: s.notifierChannels.create(body, principal!, ip) });
        return RESPONDED;
      },
    }),
    route({
      method: 'get',
      path: '/notifiers/:id',
      access: 'analyst',
      summary: 'One notification channel (secrets shown as ********)',
      handler: ({ req }) => ({ channel: s.notifierChannels.get(idParam(req.params.id)) }),
    }),
    route({
      method: 'put',
      path: '/notifiers/:id',
      access: 'admin',
      summary: 'Replaces a notification channel; a secret sent back as ******** keeps its stored value',
      body: ChannelBodySchema,
      handler: ({ req, body, principal, ip }) => ({ channel: s.notifierChannels.update(idParam(req.params.id), body, principal!, ip) }),
    }),
    route({
      method: 'delete',
      path: '/notifiers/:id',
      access: 'admin',
      summary: 'Deletes a notification channel and its delivery records',
      handler: ({ req, principal, ip }) => {
        s.notifierChannels.remove(idParam(req.params.id), principal!, ip);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/notifiers/:id/test',
      access: 'admin',
      summary: 'Sends a test message through a channel now; returns the delivery record (status, tries, error in words)',
      handler: async ({ req }) => {
        const d = await s.alerts.sendTest(idParam(req.params.id));
        if (d === undefined) throw new ApiError('not_found');
        return { delivery: d };
      },
    }),
  ] as RouteDef<never>[];
}
