/**
 * The inventory analyzer on cached walks (session 7): the endpoint remembered with a walk, the call counts the
 * templater reads from the analyzer's rows, and the examples a cached walk adds must give what the analyzer gives
 * with no walk cache at all — per call and in the report — and a remembered endpoint must be dropped when a template
 * changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisPipeline } from '../../../appliance/src/analysis/analysis.pipeline.ts';
import { DEFAULT_INVENTORY_SETTINGS, InventoryAnalyzer } from '../../../appliance/src/analyzers/inventory/inventory.analyzer.ts';
import { DEFAULT_TEMPLATER_SETTINGS, PathTemplater } from '../../../appliance/src/analyzers/inventory/path.templater.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import { makeTx } from '../../fixtures/transaction.fixture.ts';
import { SeededRandom } from '../../../scripts/traffic/seeded.random.ts';

function report(): AnalysisReport {
  return { schemaVersion: 1, stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} }, endpoints: [], findings: [], clients: [] };
}

/** Targets that merge slugs, mix integer and UUID values, escape integers (`%31`), repeat a static word sibling and carry queries. */
function targets(n: number, seed: number): Array<[string, string]> {
  const g = new SeededRandom(seed);
  const r = (): number => g.next();
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const uuid = (): string => '00000000-0000-4000-8000-000000000000'.replace(/0/g, () => '0123456789abcdef'[Math.floor(r() * 16)]);
  const value = (): string => pick([() => String(Math.floor(r() * 1e6)), uuid, () => `slug-${Math.floor(r() * 60)}`, () => `%3${Math.floor(r() * 10)}`, () => 'search', () => `${Math.floor(r() * 1e4)}.json`])();
  const out: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) {
    const res = pick(['users', 'orders', 'items']);
    const path = pick([`/api/v1/${res}/${value()}`, `/api/v1/${res}/${value()}/${pick(['comments', value()])}`, `/${res}/${value()}/`, `/api/v1/${res}`]);
    out.push([pick(['a.example', 'b.example']), `${path}${r() < 0.3 ? `?page=${Math.floor(r() * 9)}&q=${pick(['x', '1', '2.5'])}` : ''}`]);
  }
  return out;
}

test('with cached walks the analyzer gives every call and the report what it gives without a walk cache', () => {
  const run = (walkCacheSize: number): { perCall: string[]; report: AnalysisReport } => {
    const inv = new InventoryAnalyzer({ ...DEFAULT_INVENTORY_SETTINGS, templater: { ...DEFAULT_TEMPLATER_SETTINGS, walkCacheSize } });
    const perCall: string[] = [];
    const p = new AnalysisPipeline([inv], [(c) => perCall.push(c.endpoint?.key ?? '')]);
    const list = targets(6_000, 11);
    for (let pass = 0; pass < 2; pass++) {
      list.forEach(([host, target], i) => p.handle(makeTx({ host, target, startTs: 1_700_000_000_000_000 + i * 1000, status: i % 7 === 0 ? 404 : 200 })));
    }
    const r = report();
    p.contribute(r);
    return { perCall, report: r };
  };
  const cached = run(DEFAULT_TEMPLATER_SETTINGS.walkCacheSize);
  const plain = run(0);
  assert.deepEqual(cached.perCall, plain.perCall);
  // A cached walk samples path examples (every 8th hit), an uncached one takes every value: all else is the same.
  const withoutPathExamples = (r: AnalysisReport): unknown => r.endpoints.map((e) => ({ ...e, params: e.params.map((p) => (p.in === 'path' ? { ...p, examples: undefined } : p)) }));
  assert.deepEqual(withoutPathExamples(cached.report), withoutPathExamples(plain.report));
  const byPath = new Map(cached.report.endpoints.map((e) => [`${e.host} ${e.method} ${e.path}`, e]));
  const users = byPath.get('a.example GET /api/v1/users/{user}');
  assert.ok(users, [...byPath.keys()].join(', '));
  assert.ok((users.params.find((p) => p.in === 'path')?.examples ?? []).length > 1, 'cached walks still collect path examples');
  assert.ok(byPath.has('a.example GET /api/v1/users/search'), 'the often-called static sibling stays literal with counts read from the rows');
});

test('a remembered endpoint is handed out only while no template changed', () => {
  const t = new PathTemplater(DEFAULT_TEMPLATER_SETTINGS);
  t.observe('h', 'GET', '/files/12');
  assert.equal(t.walkData(), null, 'nothing remembered yet');
  t.rememberWalk('endpoint');
  t.observe('h', 'GET', '/files/34');
  assert.equal(t.walkData(), 'endpoint', 'the same skeleton takes the cached walk and its endpoint');
  t.observe('h', 'GET', '/files/0f8fad5b-d9cb-469f-a165-70867728950e');
  assert.equal(t.walkData(), null, 'another skeleton: nothing remembered for it');
  t.observe('h', 'GET', '/files/56');
  assert.equal(t.walkData(), null, 'the parameter became mixed: its template changed, so the endpoint is dropped');
  assert.equal(t.templateText(t.observe('h', 'GET', '/files/78')), '/files/{fileId}');
});

test('with an owner counter the templater counts no calls itself and keeps static siblings by the owner counts', () => {
  const counts = new Map<unknown, number>();
  const t = new PathTemplater(DEFAULT_TEMPLATER_SETTINGS, undefined, (n) => counts.get(n) ?? 0);
  const call = (p: string): void => {
    const n = t.observe('h', 'GET', p);
    counts.set(n, (counts.get(n) ?? 0) + 1);
  };
  for (let i = 0; i < 50; i++) call('/products/top10');
  for (let i = 0; i < 30; i++) call(`/products/item-${i}`);
  assert.equal(t.templateText(t.observe('h', 'GET', '/products/top10')), '/products/top10');
  assert.equal(t.templateText(t.observe('h', 'GET', '/products/item-99')), '/products/{product}');
  assert.equal(t.observe('h', 'GET', '/products/top10').calls, 0, 'the node counts nothing of its own');
  const lone = new PathTemplater(DEFAULT_TEMPLATER_SETTINGS, undefined, () => 0);
  for (let i = 0; i < 50; i++) lone.observe('h', 'GET', '/products/top10');
  for (let i = 0; i < 30; i++) lone.observe('h', 'GET', `/products/item-${i}`);
  assert.equal(lone.templateText(lone.observe('h', 'GET', '/products/top10')), '/products/{product}', 'with no counts, the sibling is not called more than the rest');
});
