/** Sign-in, sign-out, the current session, password change, users (admin) and the audit trail (admin). */
import { z } from 'zod';
import { route, RESPONDED, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import { idParam } from '../route.params.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'radar_session';

const Username = z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');

/** Auth, user and audit routes. */
export function authRoutes(s: AppServices): RouteDef<never>[] {
  const cookie = (value: string, maxAgeS: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${s.secure ? '; Secure' : ''}`;
  return [
    route({
      method: 'post',
      path: '/auth/login',
      access: 'public',
      summary: 'Signs in; sets the session cookie and returns the CSRF token',
      body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
      handler: async ({ body, req, res, ip }) => {
        const { sessionId, principal } = await s.auth.login(body.username, body.password, ip, String(req.headers['user-agent'] ?? ''));
        res.setHeader('Set-Cookie', cookie(sessionId, 12 * 3600));
        res.json({ user: { username: principal.username, role: principal.role }, csrfToken: principal.csrfToken });
        return RESPONDED;
      },
    }),
    route({
      method: 'post',
      path: '/auth/logout',
      access: 'viewer',
      summary: 'Signs out',
      handler: ({ principal, res, ip }) => {
        s.auth.logout(principal!, ip);
        res.setHeader('Set-Cookie', cookie('', 0));
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/auth/me',
      access: 'viewer',
      summary: 'The signed-in user and the CSRF token of the session',
      handler: ({ principal }) => ({ user: { username: principal!.username, role: principal!.role }, csrfToken: principal!.csrfToken }),
    }),
    route({
      method: 'post',
      path: '/auth/password',
      access: 'viewer',
      summary: 'Changes the signed-in user’s password (ends their sessions)',
      body: z.object({ current: z.string().min(1).max(256), next: z.string().min(1).max(256) }),
      handler: async ({ principal, body, ip }) => {
        await s.auth.changePassword(principal!, body.current, body.next, ip);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/users',
      access: 'admin',
      summary: 'Lists users',
      handler: () => ({ users: s.users.list().map((u) => ({ id: u.id, username: u.username, role: u.role, locked: u.lockedUntil > s.clock.now() })) }),
    }),
    route({
      method: 'post',
      path: '/users',
      access: 'admin',
      summary: 'Creates a user',
      body: z.object({ username: Username, password: z.string().min(1).max(256), role: z.enum(['admin', 'analyst', 'viewer']) }),
      handler: async ({ principal, body, ip, res }) => {
        const id = await s.auth.createUser(principal!, body.username, body.password, body.role, ip);
        res.status(201).json({ id });
        return RESPONDED;
      },
    }),
    route({
      method: 'put',
      path: '/users/:id/role',
      access: 'admin',
      summary: 'Changes a user’s role and ends their sessions (the last administrator keeps the role)',
      body: z.object({ role: z.enum(['admin', 'analyst', 'viewer']) }),
      handler: ({ req, principal, body, ip }) => {
        const u = s.auth.setRole(principal!, idParam(req.params.id), body.role, ip);
        return { user: { id: u.id, username: u.username, role: u.role } };
      },
    }),
    route({
      method: 'delete',
      path: '/users/:id',
      access: 'admin',
      summary: 'Removes a user and ends their sessions (not the last administrator)',
      handler: ({ req, principal, ip }) => {
        s.auth.removeUser(principal!, idParam(req.params.id), ip);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/audit',
      access: 'admin',
      summary: 'The audit trail, newest first (keyset paging with `before`)',
      handler: ({ req }) => {
        const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100) || 100));
        const before = req.query.before === undefined ? undefined : Number(req.query.before);
        if (before !== undefined && !Number.isInteger(before)) throw new ApiError('bad_request', { before: 'must be an integer' });
        return { entries: s.audit.list(limit, before) };
      },
    }),
  ] as RouteDef<never>[];
}
