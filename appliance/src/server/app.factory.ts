/**
 * The express application: security headers, the /api/v1 route table with access control (setup gate, session,
 * role, CSRF), validation at the edge (zod), one JSON error shape from the catalogue, and the static UI with SPA
 * fallback. Listeners are created by main.ts.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, errorBody } from '../errors/error.catalogue.ts';
import { securityHeaders } from './middleware/security.headers.ts';
import { readCookie } from './cookie.parser.ts';
import { RESPONDED, type RouteDef } from './route.types.ts';
import type { AppServices } from './app.services.ts';
import { setupRoutes } from './routes/setup.routes.ts';
import { authRoutes, SESSION_COOKIE } from './routes/auth.routes.ts';
import { systemRoutes } from './routes/system.routes.ts';
import { captureRoutes } from './routes/captures.routes.ts';
import { callRoutes } from './routes/calls.routes.ts';
import { settingsRoutes } from './routes/settings.routes.ts';
import { specRoutes } from './routes/specs.routes.ts';
import { inventoryRoutes } from './routes/inventory.routes.ts';
import { policyRoutes } from './routes/policies.routes.ts';
import { threatRoutes } from './routes/threats.routes.ts';
import { riskRoutes } from './routes/risk.routes.ts';
import { reportRoutes } from './routes/reports.routes.ts';
import { jobRoutes } from './routes/jobs.routes.ts';
import { notifierRoutes } from './routes/notifiers.routes.ts';
import { blocklistRoutes } from './routes/blocklist.routes.ts';
import { sensitiveRoutes } from './routes/sensitive.routes.ts';
import { hostRoutes } from './routes/host.routes.ts';
import { upgradeRoutes } from './routes/upgrade.routes.ts';
import { roleAtLeast, type Principal } from '../services/auth.service.ts';

/** Path prefix of the versioned API. */
export const API_PREFIX = '/api/v1';

/** Every API route of the service (the route-walk test and the API document read this). */
export function apiRoutes(s: AppServices): RouteDef<never>[] {
  return [
    ...systemRoutes(s),
    ...setupRoutes(s),
    ...authRoutes(s),
    ...captureRoutes(s),
    ...callRoutes(s),
    ...settingsRoutes(s),
    ...specRoutes(s),
    ...inventoryRoutes(s),
    ...policyRoutes(s),
    ...threatRoutes(s),
    ...reportRoutes(s),
    ...jobRoutes(s),
    ...notifierRoutes(s),
    ...blocklistRoutes(s),
    ...riskRoutes(s),
    ...sensitiveRoutes(s),
    ...hostRoutes(s),
    ...upgradeRoutes(s),
  ];
}

const STATE_CHANGING = new Set(['post', 'put', 'patch', 'delete']);

/** Builds the application over `services`. */
export function createApp(s: AppServices): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(securityHeaders);
  app.use(API_PREFIX, express.json({ limit: '1mb' }));

  for (const r of apiRoutes(s)) {
    app[r.method](API_PREFIX + r.path, (req: Request, res: Response, next: NextFunction) => {
      handle(s, r, req, res).catch(next);
    });
  }
  app.use(API_PREFIX, (_req: Request, _res: Response, next: NextFunction) => next(new ApiError('not_found')));

  // Prometheus metrics, for a scraper holding the metrics token (POST /api/v1/settings/metrics-token).
  app.get('/metrics', (req: Request, res: Response, next: NextFunction) => {
    if (!s.health.metricsAuthorized(req.get('authorization'))) {
      res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.json(errorBody(new ApiError('auth_required')));
      return;
    }
    s.health
      .metrics()
      .then((m) => res.type(m.contentType).send(m.body))
      .catch(next);
  });

  if (s.uiDir !== null && existsSync(join(s.uiDir, 'index.html'))) {
    const uiDir = s.uiDir;
    app.use(express.static(uiDir, { index: 'index.html', maxAge: '1h', setHeaders: (res, path) => {
      if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
    } }));
    app.get('/{*splat}', (_req: Request, res: Response) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(uiDir, 'index.html'));
    });
  } else {
    app.get('/{*splat}', (_req: Request, res: Response) => {
      res.type('text/plain').send('API Radar is running. The web UI is not built: run `npm run build:ui`.\n');
    });
  }

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = toApiError(err);
    if (e.code === 'internal') console.error('request failed:', err);
    res.status(e.status).json(errorBody(e));
  });
  return app;
}

async function handle(s: AppServices, r: RouteDef<never>, req: Request, res: Response): Promise<void> {
  const ip = req.socket.remoteAddress ?? '';
  let principal: Principal | null = null;
  const setupDone = s.setup.isComplete();
  if (r.access === 'setup') {
    if (setupDone) throw new ApiError('setup_completed');
  } else if (r.access !== 'public') {
    if (!setupDone) throw new ApiError('setup_required');
    principal = s.auth.resolve(readCookie(req, SESSION_COOKIE));
    if (!roleAtLeast(principal.role, r.access)) throw new ApiError('forbidden');
    if (STATE_CHANGING.has(r.method) && req.get('x-csrf-token') !== principal.csrfToken) throw new ApiError('csrf_failed');
  }
  let body: unknown = undefined;
  if (r.body !== undefined) {
    const parsed = r.body.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw new ApiError('validation_failed', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    body = parsed.data;
  }
  const out = await r.handler({ req, res, body: body as never, principal, ip });
  if (out === RESPONDED) return;
  if (out === undefined) res.status(204).end();
  else res.json(out);
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return new ApiError('payload_too_large');
  if (e?.type === 'entity.parse.failed' || e?.status === 400) return new ApiError('bad_request');
  return new ApiError('internal');
}
