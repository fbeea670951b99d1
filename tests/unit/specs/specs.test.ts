// Tests of declared specs: loading OpenAPI 3.0/3.1 and Swagger 2.0 (JSON and YAML), refusing invalid documents and
// never fetching external references, matching observed endpoints to declared operations, the shadow / zombie /
// orphan / drift comparison, and the OpenAPI 3.1 export (valid for the same parser). The real specs of the shared
// corpus are loaded too when the corpus is present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validate, compileErrors } from '@readme/openapi-parser';
import { loadSpec, parseServerUrl, SpecError } from '../../../appliance/src/specs/spec.loader.ts';
import { SpecMatcher } from '../../../appliance/src/specs/spec.matcher.ts';
import { diffInventory } from '../../../appliance/src/specs/spec.diff.ts';
import { exportHostOpenApi } from '../../../appliance/src/specs/openapi.export.ts';
import type { ReportEndpoint } from '../../../appliance/src/analysis/analysis-report.types.ts';

const SWAGGER = `swagger: "2.0"
info: { title: Shop, version: "1.2" }
host: shop.example.com
basePath: /api/v1
paths:
  /orders/{orderId}:
    parameters:
      - { name: orderId, in: path, required: true, type: integer }
    get:
      parameters:
        - { name: expand, in: query, type: boolean }
      responses: { "200": { description: ok }, "404": { description: missing } }
  /orders/search:
    get: { responses: { "200": { description: ok } } }
  /legacy/export:
    get: { deprecated: true, responses: { "200": { description: ok } } }
  /never/called:
    post: { responses: { "201": { description: created } } }
`;

const OAS31 = JSON.stringify({
  openapi: '3.1.0',
  info: { title: 'Comics', version: '1' },
  servers: [{ url: 'https://{region}.comics.example/{base}', variables: { region: { default: 'cn' }, base: { default: 'v2' } } }],
  paths: {
    '/{comicId}/info.0.json': { get: { parameters: [{ name: 'comicId', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '2XX': { description: 'ok' } } } },
    '/users/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { default: { description: 'any' } } } },
    '/users/me': { get: { responses: { '200': { description: 'ok' } } } },
  },
});

function ep(host: string, method: string, path: string, over: Partial<ReportEndpoint> = {}): ReportEndpoint {
  return { host, method, path, calls: 10, statuses: { '200': 10 }, auth: ['jwt'], sensitive: [], params: [], inSpec: false, deprecated: false, risk: 10, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-02T00:00:00.000Z', ...over };
}

test('server URLs give host and base path (variables, default ports, relative URLs)', () => {
  assert.deepEqual(parseServerUrl('https://api.example.com:443/v1/'), { host: 'api.example.com', basePath: '/v1' });
  assert.deepEqual(parseServerUrl('http://{env}.example.com/', { env: { default: 'prod' } }), { host: 'prod.example.com', basePath: '' });
  assert.deepEqual(parseServerUrl('/base'), { host: '', basePath: '/base' });
  assert.deepEqual(parseServerUrl('http://api.example.com:8080'), { host: 'api.example.com:8080', basePath: '' });
});

test('Swagger 2.0 YAML and OpenAPI 3.1 JSON load to operations with full templates', async () => {
  const s = await loadSpec(SWAGGER);
  assert.equal(s.format, 'swagger 2.0');
  assert.deepEqual(s.hosts, ['shop.example.com']);
  const get = s.operations.find((o) => o.template === '/api/v1/orders/{orderId}')!;
  assert.equal(get.method, 'GET');
  assert.deepEqual(get.params.map((p) => `${p.in}:${p.name}:${p.type}`).sort(), ['path:orderId:integer', 'query:expand:boolean']);
  assert.deepEqual(get.statuses, ['200', '404']);
  assert.equal(s.operations.find((o) => o.template === '/api/v1/legacy/export')!.deprecated, true);
  const o = await loadSpec(OAS31);
  assert.equal(o.format, 'openapi 3.1.0');
  assert.deepEqual(o.hosts, ['cn.comics.example']);
  assert.ok(o.operations.some((x) => x.template === '/v2/{comicId}/info.0.json'));
});

test('invalid documents are refused with a reason, and external references are never fetched', async () => {
  await assert.rejects(loadSpec('not: [valid'), SpecError);
  await assert.rejects(loadSpec('{"openapi":"2.5.0","info":{},"paths":{}}'), /Only OpenAPI 3.0, 3.1 and Swagger 2.0/);
  await assert.rejects(loadSpec('{"openapi":"3.0.0","paths":{}}'), /not valid/);
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.end('{"type":"string"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const doc = { openapi: '3.0.0', info: { title: 't', version: '1' }, paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: `http://127.0.0.1:${port}/schema.json` } } } } } } } } };
    await loadSpec(JSON.stringify(doc)).catch(() => undefined);
    const local = { ...doc, paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '/etc/passwd' } } } } } } } } };
    await loadSpec(JSON.stringify(local)).catch(() => undefined);
    assert.equal(hits, 0, 'no external fetch');
  } finally {
    server.close();
  }
});

test('matching prefers literals, understands patterns, and a discovered parameter never matches a declared literal', async () => {
  const m = new SpecMatcher([{ id: 1, name: 'comics', hosts: [], spec: await loadSpec(OAS31) }]);
  assert.equal(m.match('cn.comics.example', 'GET', '/v2/users/me')?.operation.template, '/v2/users/me');
  assert.equal(m.match('cn.comics.example', 'GET', '/v2/users/42')?.operation.template, '/v2/users/{id}');
  assert.equal(m.match('cn.comics.example', 'GET', '/v2/users/{userId}')?.operation.template, '/v2/users/{id}');
  assert.equal(m.match('cn.comics.example', 'GET', '/v2/614/info.0.json')?.operation.template, '/v2/{comicId}/info.0.json');
  assert.equal(m.match('cn.comics.example', 'GET', '/v2/{comicId}/info.0.json')?.operation.template, '/v2/{comicId}/info.0.json');
  assert.equal(m.match('cn.comics.example', 'POST', '/v2/users/me'), null, 'method matters');
  assert.equal(m.match('other.example', 'GET', '/v2/users/me'), null, 'host matters');
  const anyHost = new SpecMatcher([{ id: 2, name: 'x', hosts: ['api.internal'], spec: await loadSpec(OAS31) }]);
  assert.equal(anyHost.match('api.internal', 'GET', '/v2/users/me')?.specName, 'x', 'attached hosts override the spec servers');
});

test('the comparison finds shadow, zombie, orphan and drift, and declared templates win', async () => {
  const m = new SpecMatcher([{ id: 1, name: 'shop.yaml', hosts: [], spec: await loadSpec(SWAGGER) }]);
  const d = diffInventory(
    [
      ep('shop.example.com', 'GET', '/api/v1/orders/{orderId}', { params: [{ in: 'path', name: 'orderId', type: 'integer' }, { in: 'query', name: 'debug', type: 'boolean' }], statuses: { '200': 8, '500': 2 } }),
      ep('shop.example.com', 'GET', '/api/v1/orders/search'),
      ep('shop.example.com', 'GET', '/api/v1/orders/latest', { calls: 5 }),
      ep('shop.example.com', 'GET', '/api/v1/legacy/export', { sensitive: ['cn_id_card'] }),
      ep('shop.example.com', 'GET', '/internal/debug/vars', { sensitive: ['secret'] }),
      ep('blog.example.com', 'GET', '/posts/{postId}'),
    ],
    m,
  );
  const byPath = new Map(d.endpoints.map((e) => [`${e.host}${e.path}`, e]));
  // /orders/latest matches /orders/{orderId}: the declared template wins and the calls merge.
  assert.equal(byPath.get('shop.example.com/api/v1/orders/{orderId}')!.calls, 15);
  assert.equal(byPath.get('shop.example.com/api/v1/orders/{orderId}')!.inSpec, true);
  assert.equal(byPath.has('shop.example.com/api/v1/orders/latest'), false);
  assert.equal(byPath.get('shop.example.com/api/v1/orders/search')!.inSpec, true, 'the declared literal sibling stays');
  assert.deepEqual(d.shadow.map((s) => s.path), ['/internal/debug/vars'], 'only hosts a spec covers have shadows');
  assert.deepEqual(d.zombie.map((z) => z.path), ['/api/v1/legacy/export']);
  assert.deepEqual(d.orphan.map((o) => `${o.method} ${o.path}`), ['POST /api/v1/never/called']);
  assert.deepEqual(d.drift.map((x) => `${x.kind}:${x.name}`).sort(), ['undeclared_param:debug', 'undeclared_status:500']);
  const f = new Map(d.findings.map((x) => [x.type, x]));
  assert.equal(f.get('shadow_api')!.severity, 'high', 'a shadow API carrying secrets is high');
  assert.equal(f.get('zombie_api')!.path, '/api/v1/legacy/export');
  assert.equal(byPath.get('blog.example.com/posts/{postId}')!.inSpec, false);
});

test('the reconstructed OpenAPI 3.1 export is valid; the only observed values are the (masked) parameter examples', async () => {
  const doc = exportHostOpenApi('shop.example.com', [
    ep('shop.example.com', 'GET', '/api/v1/orders/{orderId}', { params: [{ in: 'path', name: 'orderId', type: 'integer', examples: ['1001', '1002'] }, { in: 'query', name: 'page', type: 'integer' }], statuses: { '200': 3, none: 1 } }),
    ep('shop.example.com', 'GET', '/api/v1/mobiles/{mobile}', { params: [{ in: 'path', name: 'mobile', type: 'string', format: 'cn_mobile', examples: ['138****5678'] }] }),
    ep('shop.example.com', 'POST', '/api/v1/orders', { auth: ['basic', 'jwt'], statuses: { '201': 1, '400': 2 }, deprecated: true, requestSchema: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] }, responseSchema: { type: 'object', properties: { id: { type: 'integer' } } } }),
    ep('shop.example.com', 'GET', '/public/{slug}.json', { auth: ['none'] }),
    ep('other.example', 'GET', '/x'),
  ], '0.1.0');
  const result = await validate(structuredClone(doc) as never);
  assert.ok(result.valid, result.valid ? '' : compileErrors(result));
  const paths = doc.paths as Record<string, Record<string, { parameters: Array<{ name: string }>; security?: unknown[]; deprecated?: boolean }>>;
  assert.deepEqual(Object.keys(paths).sort(), ['/api/v1/mobiles/{mobile}', '/api/v1/orders', '/api/v1/orders/{orderId}', '/public/{slug}.json']);
  assert.deepEqual(paths['/api/v1/orders/{orderId}'].get.parameters.map((p) => p.name), ['orderId', 'page']);
  const schemaOf = (path: string, i: number): { examples?: unknown[] } => (paths[path].get.parameters[i] as unknown as { schema: { examples?: unknown[] } }).schema;
  assert.deepEqual(schemaOf('/api/v1/orders/{orderId}', 0).examples, [1001, 1002], 'integer examples as numbers');
  assert.equal(schemaOf('/api/v1/orders/{orderId}', 1).examples, undefined);
  assert.deepEqual(schemaOf('/api/v1/mobiles/{mobile}', 0).examples, ['138****5678']);
  assert.equal(paths['/api/v1/orders'].post.deprecated, true);
  const post = paths['/api/v1/orders'].post as unknown as { requestBody: { content: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
  assert.deepEqual(post.requestBody.content['application/json'].schema, { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] }, 'the merged request schema is exported');
  assert.deepEqual(post.responses['201'].content?.['application/json'].schema, { type: 'object', properties: { id: { type: 'integer' } } });
  assert.equal(post.responses['400'].content, undefined);
  assert.deepEqual(Object.keys((doc.components as { securitySchemes: object }).securitySchemes).sort(), ['basic', 'jwt']);
});

const corpus = fileURLToPath(new URL('../../../../shared/corpora/openapi/', import.meta.url));
const noCorpus = existsSync(corpus) ? false : `the shared corpus is absent (${corpus})`;

test('the real specs of the shared corpus load and match their own templates', { skip: noCorpus }, async () => {
  for (const [file, host, sample] of [
    ['xkcd.yaml', 'xkcd.com', '/614/info.0.json'],
    ['spotify_fixed.yml', 'api.spotify.com', '/v1/albums/4aawyAB9vmqN3uQ7FjRGTy'],
    ['twilio_verify_v2.yaml', 'verify.twilio.com', '/v2/Services/VA0123456789abcdef0123456789abcdef'],
    ['box.json', 'api.box.com', '/2.0/files/12345'],
  ] as const) {
    const spec = await loadSpec(readFileSync(`${corpus}${file}`, 'utf8'));
    assert.ok(spec.operations.length >= 2, `${file}: ${spec.operations.length} operations`);
    const m = new SpecMatcher([{ id: 1, name: file, hosts: [], spec }]);
    assert.ok(m.match(host, 'GET', sample) !== null, `${file}: GET ${host}${sample} matches`);
    for (const op of spec.operations.slice(0, 50)) {
      for (const h of op.hosts.length > 0 ? op.hosts : spec.hosts) assert.equal(m.match(h, op.method, op.template)?.operation.template, op.template, `${file}: ${op.method} ${op.template} matches itself`);
    }
  }
});

test('body drift: fields sent but not declared and type changes, against the declared request and response schemas', async () => {
  const spec = `openapi: 3.0.3
info: { title: Orders, version: "1" }
servers: [{ url: "https://orders.example.com" }]
paths:
  /orders:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                sku: { type: string }
                qty: { type: integer }
                lines: { type: array, items: { type: object, properties: { price: { type: number } } } }
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: { type: object, properties: { id: { type: string } }, additionalProperties: { type: string } }
`;
  const m = new SpecMatcher([{ id: 1, name: 'orders.yaml', hosts: [], spec: await loadSpec(spec) }]);
  const op = m.operations[0].op;
  assert.equal((op.requestSchema as { type: string }).type, 'object');
  const d = diffInventory(
    [
      ep('orders.example.com', 'POST', '/orders', {
        statuses: { '201': 10 },
        requestSchema: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: ['integer', 'string'] }, isAdmin: { type: 'boolean' }, lines: { type: 'array', items: { type: 'object', properties: { price: { type: 'integer' }, discount: { type: 'number' } } } } } },
        responseSchema: { type: 'object', properties: { id: { type: 'integer' }, extra: { type: 'string' } } },
      }),
    ],
    m,
  );
  assert.deepEqual(d.drift.map((x) => `${x.kind}:${x.name}`).sort(), [
    'field_type_mismatch:request.qty',
    'field_type_mismatch:response.id',
    'undeclared_field:request.isAdmin',
    'undeclared_field:request.lines[].discount',
  ]);
  assert.match(d.drift.find((x) => x.name === 'request.qty')!.detail, /declared integer but carries string/);
});
