// Query parameters carry example values like path parameters: at most 3 distinct per parameter, decoded, masked
// where a sensitive detector finds data in them, merged with their endpoints, and exported in a valid OpenAPI document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate, compileErrors } from '@readme/openapi-parser';
import { AnalysisPipeline } from '../../../appliance/src/analysis/analysis.pipeline.ts';
import { InventoryAnalyzer } from '../../../appliance/src/analyzers/inventory/inventory.analyzer.ts';
import { exportHostOpenApi } from '../../../appliance/src/specs/openapi.export.ts';
import type { AnalysisReport, ReportEndpoint, ReportParam } from '../../../appliance/src/analysis/analysis-report.types.ts';
import { makeTx } from '../../fixtures/transaction.fixture.ts';

function run(targets: string[]): ReportEndpoint[] {
  const p = new AnalysisPipeline([new InventoryAnalyzer()]);
  const t0 = 1_700_000_000_000_000;
  targets.forEach((target, i) => p.handle(makeTx({ target, startTs: t0 + i * 1_000_000 })));
  const r: AnalysisReport = { schemaVersion: 1, stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} }, endpoints: [], findings: [], clients: [] };
  p.contribute(r);
  return r.endpoints;
}

function query(e: ReportEndpoint | undefined, name: string): ReportParam | undefined {
  return e?.params.find((p) => p.in === 'query' && p.name === name);
}

test('query parameters keep up to 3 distinct decoded examples, sensitive ones masked', () => {
  const [e] = run(['/v1/search?q=red+shoes&page=1&phone=13812345678', '/v1/search?q=caf%C3%A9&page=2&phone=13987654321', '/v1/search?q=red+shoes&page=3', '/v1/search?page=4&flag']);
  assert.deepEqual(query(e, 'q')?.examples, ['red shoes', 'café']);
  assert.deepEqual(query(e, 'page'), { in: 'query', name: 'page', type: 'integer', examples: ['1', '2', '3'] });
  const phones = query(e, 'phone')?.examples ?? [];
  assert.equal(phones.length, 2);
  for (const v of phones) assert.match(v, /^1\d\d\*{4}\d{4}$/, `masked like 138****5678: ${v}`);
  assert.deepEqual(query(e, 'flag'), { in: 'query', name: 'flag', type: 'string' }, 'a name without a value has no example');
  assert.deepEqual(e.params.filter((p) => p.in === 'query').map((p) => p.name), ['flag', 'page', 'phone', 'q']);
});

test('query examples and types merge when literals merge into a parameter', () => {
  const targets: string[] = [];
  for (let i = 0; i < 25; i++) targets.push(`/shop/items/item-${String.fromCharCode(97 + i)}-x?${i % 2 === 0 ? `color=c${i}` : `size=${i}&color=blue`}`);
  const [e] = run(targets);
  assert.equal(e.path, '/shop/items/{item}');
  assert.equal(e.calls, 25);
  assert.equal(query(e, 'size')?.type, 'integer');
  assert.equal(query(e, 'color')?.type, 'string');
  assert.equal(query(e, 'color')?.examples?.length, 3);
  assert.equal(query(e, 'size')?.examples?.length, 3);
});

test('endpoints with the same query parameters keep their own examples', () => {
  const es = run(['/a?page=1', '/b?page=2', '/a?page=3']);
  assert.deepEqual(es.map((e) => [e.path, query(e, 'page')?.examples]), [['/a', ['1', '3']], ['/b', ['2']]]);
});

test('the OpenAPI export carries query examples (numbers where the type says so) and stays valid', async () => {
  const es = run(['/v1/orders?page=1&status=open&phone=13812345678', '/v1/orders?page=2&status=closed']);
  const doc = exportHostOpenApi('api.example.com', es, '0.1.0');
  const result = await validate(structuredClone(doc) as never);
  assert.ok(result.valid, result.valid ? '' : compileErrors(result));
  const params = (doc.paths as Record<string, { get: { parameters: Array<{ name: string; in: string; schema: { examples?: unknown[] } }> } }>)['/v1/orders'].get.parameters;
  const byName = new Map(params.map((p) => [p.name, p]));
  assert.equal(byName.get('page')?.in, 'query');
  assert.deepEqual(byName.get('page')?.schema.examples, [1, 2]);
  assert.deepEqual(byName.get('status')?.schema.examples, ['open', 'closed']);
  assert.ok(!JSON.stringify(doc).includes('13812345678'), 'the phone number leaves masked');
});
