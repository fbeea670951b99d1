/** First-run setup routes: whether setup is pending, and completing it with the one-time token. */
import { z } from 'zod';
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';

const CompleteBody = z.object({
  token: z.string().min(1).max(200),
  username: z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  password: z.string().min(1).max(256),
});

/** Setup routes. */
export function setupRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/setup/status',
      access: 'public',
      summary: 'Whether first-run setup is complete',
      handler: () => ({ complete: s.setup.isComplete() }),
    }),
    route({
      method: 'post',
      path: '/setup/verify-token',
      access: 'setup',
      summary: 'Checks the one-time setup token (first wizard step)',
      body: z.object({ token: z.string().min(1).max(200) }),
      handler: ({ body }) => {
        if (!s.setup.checkToken(body.token)) throw new ApiError('setup_token_invalid');
        return { valid: true };
      },
    }),
    route({
      method: 'post',
      path: '/setup/complete',
      access: 'setup',
      summary: 'Creates the first admin with the setup token and closes setup',
      body: CompleteBody,
      handler: async ({ body, ip }) => {
        await s.setup.complete(body.token, body.username, body.password, ip);
        return { complete: true };
      },
    }),
  ] as RouteDef<never>[];
}
