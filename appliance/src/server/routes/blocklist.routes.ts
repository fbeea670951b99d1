/**
 * The block list: entries and token status (viewer), add, remove and token rotation (admin), and the exports
 * gateways fetch — plain list, nginx `deny` include, JSON feed — which take the block-list token instead of a
 * session (declared public here; the service checks the token).
 */
import { route, RESPONDED, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import { BlocklistAddSchema, type BlocklistFormat } from '../../blocklist/blocklist.service.ts';

function idParam(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ApiError('not_found');
  return n;
}

/** Block-list routes. */
export function blocklistRoutes(s: AppServices): RouteDef<never>[] {
  const exportRoute = (format: BlocklistFormat, summary: string) =>
    route({
      method: 'get',
      path: `/blocklist/export/${format}`,
      access: 'public',
      summary,
      handler: ({ req, res }) => {
        try {
          s.blocklist.authorize(req.get('authorization'));
        } catch (err) {
          res.setHeader('WWW-Authenticate', 'Bearer realm="blocklist"');
          throw err;
        }
        const out = s.blocklist.export(format);
        res.setHeader('Cache-Control', 'no-store');
        res.type(out.contentType).send(out.body);
        return RESPONDED;
      },
    });
  return [
    route({
      method: 'get',
      path: '/blocklist',
      access: 'viewer',
      summary: 'Block-list entries in force, and whether an export token exists',
      handler: () => ({ entries: s.blocklist.list(), token: s.blocklist.tokenStatus() }),
    }),
    route({
      method: 'post',
      path: '/blocklist',
      access: 'admin',
      summary: 'Adds an IPv4/IPv6 address or CIDR network with a reason and an optional expiry (refreshes an existing entry)',
      body: BlocklistAddSchema,
      handler: ({ body, principal, ip, res }) => {
        const entry = s.blocklist.add(body, principal!, ip);
        res.status(entry.created ? 201 : 200).json({ entry });
        return RESPONDED;
      },
    }),
    route({
      method: 'delete',
      path: '/blocklist/:id',
      access: 'admin',
      summary: 'Removes a block-list entry',
      handler: ({ req, principal, ip }) => {
        s.blocklist.remove(idParam(req.params.id), principal!, ip);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/blocklist/token',
      access: 'admin',
      summary: 'Generates a new export token (the old one stops working); the token is shown only in this answer',
      handler: ({ principal, ip }) => ({ token: s.blocklist.rotateToken(principal!, ip) }),
    }),
    exportRoute('plain', 'The block list as plain text, one address or network a line (block-list token)'),
    exportRoute('nginx', 'The block list as an nginx include of `deny` lines (block-list token)'),
    exportRoute('json', 'The block list as a JSON feed with reasons and expiries (block-list token)'),
  ] as RouteDef<never>[];
}
