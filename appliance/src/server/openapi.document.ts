/**
 * The API document: an OpenAPI 3.1 description generated from the route table (paths, methods, who may call each,
 * request bodies from the routes' zod schemas, the error shape from the catalogue), so it cannot drift from the code.
 * Served at `/api/v1/openapi.json` and written to `docs/openapi.json` by `npm run openapi`.
 */
import { z } from 'zod';
import type { RouteDef } from './route.types.ts';
import { ERROR_CATALOGUE } from '../errors/error.catalogue.ts';
import { SESSION_COOKIE } from './routes/auth.routes.ts';

type Json = Record<string, unknown>;

const ACCESS_TEXT: Record<string, string> = {
  public: 'Anyone.',
  setup: 'Only while setup is pending, with the one-time setup token.',
  viewer: 'Signed-in users (viewer and above).',
  analyst: 'Analysts and admins.',
  admin: 'Admins.',
};

/** JSON Schema of a zod schema as accepted on input (defaults and optional fields as the client may send them). */
function bodySchema(schema: z.ZodType): Json {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

/** Builds the OpenAPI 3.1 document of `routes` (paths relative to `prefix`). */
export function buildOpenApiDocument(routes: readonly RouteDef<never>[], version: string, prefix: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = prefix + r.path.replace(/:(\w+)/g, '{$1}');
    const op: Json = {
      summary: r.summary,
      description: `Who may call it: ${ACCESS_TEXT[r.access] ?? r.access}`,
      operationId: `${r.method}${r.path.replace(/[/:{}-]+(\w)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      tags: [r.path.split('/')[1] ?? 'api'],
      responses: {
        '200': { description: 'Success (JSON).', content: { 'application/json': { schema: { type: 'object' } } } },
        '204': { description: 'Success, no content.' },
        default: { description: 'An error from the catalogue.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (params.length > 0) op.parameters = params;
    if (r.body !== undefined) op.requestBody = { required: true, content: { 'application/json': { schema: bodySchema(r.body) } } };
    if (r.access === 'public' || r.access === 'setup') op.security = [];
    else if (r.method !== 'get') op.security = [{ session: [], csrf: [] }];
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'API Radar',
      version,
      description: 'The appliance REST API. Errors are `{ "error": { "code", "message", "details"? } }` with the codes listed in the Error schema.',
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Session cookie set by POST /api/v1/auth/login.' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The csrfToken returned at sign-in; required on state-changing calls.' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) }, message: { type: 'string' }, details: {} },
            },
          },
        },
      },
    },
  };
}
