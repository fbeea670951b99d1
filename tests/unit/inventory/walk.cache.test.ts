/**
 * The templater's walk cache (paths by skeleton: integer and UUID segments marked) must give the templates an
 * uncached walk gives, on traffic that merges literals, mixes parameter kinds and carries dates, phones and
 * suffixes; and it must not be fooled by paths holding marker characters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TEMPLATER_SETTINGS, PathTemplater, skeletonKey } from '../../../appliance/src/analyzers/inventory/path.templater.ts';
import { SeededRandom } from '../../../scripts/traffic/seeded.random.ts';

/** A deterministic source of floats in [0, 1) (the traffic generator's seeded PRNG). */
function rng(seed: number): () => number {
  const g = new SeededRandom(seed);
  return () => g.next();
}

function paths(n: number, seed: number): Array<[string, string]> {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const uuid = (): string => '00000000-0000-4000-8000-000000000000'.replace(/0/g, () => '0123456789abcdef'[Math.floor(r() * 16)]);
  const value = (): string => pick([() => String(Math.floor(r() * 1e6)), uuid, () => `slug-${Math.floor(r() * 60)}`, () => '20240301', () => '13812345678', () => `${Math.floor(r() * 1e4)}.json`, () => 'me'])();
  const out: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) {
    const res = pick(['users', 'orders', 'items', 'files']);
    const p = pick([`/api/v1/${res}/${value()}`, `/api/v1/${res}/${value()}/${pick(['comments', 'tags', value()])}`, `/${res}/${value()}/`, `/2024-01-01/${res}/${value()}`, `/api/v1/${res}`]);
    out.push([pick(['a.example', 'b.example']), p]);
  }
  return out;
}

test('cached walks give the templates and per-endpoint calls of uncached walks', () => {
  const cached = new PathTemplater(DEFAULT_TEMPLATER_SETTINGS);
  const plain = new PathTemplater({ ...DEFAULT_TEMPLATER_SETTINGS, walkCacheSize: 0 });
  for (const [host, p] of paths(20_000, 7)) {
    const a = cached.templateOf(cached.observe(host, 'GET', p)).template;
    const b = plain.templateOf(plain.observe(host, 'GET', p)).template;
    assert.equal(a, b, p);
  }
  const endpoints = (t: PathTemplater): string[] => [...t.endpoints()].map(({ host, node }) => `${host} ${t.templateOf(node).template} ${node.calls}`).sort();
  assert.deepEqual(endpoints(cached), endpoints(plain));
  assert.ok(cached.templateOf(cached.observe('a.example', 'GET', '/api/v1/users/12345')).params[0].examples.length > 1, 'cached walks still collect examples');
});

test('a merge after a walk was cached moves later calls to the merged parameter', () => {
  const t = new PathTemplater(DEFAULT_TEMPLATER_SETTINGS);
  for (let k = 0; k < 3; k++) assert.equal(t.templateOf(t.observe('h', 'GET', '/tags/name0/items/1')).template, '/tags/name0/items/{itemId}');
  for (let i = 1; i <= 21; i++) t.observe('h', 'GET', `/tags/name${i}/items/1`);
  assert.equal(t.templateOf(t.observe('h', 'GET', '/tags/name0/items/2')).template, '/tags/{tag}/items/{itemId}');
});

test('skeletons mark whole integer and UUID segments only; a segment starting with a marker is not cached', () => {
  assert.equal(skeletonKey('/users/123/orders'), '/users/\u0001/orders');
  assert.equal(skeletonKey('/u/0f8fad5b-d9cb-469f-a165-70867728950e'), '/u/\u0002');
  assert.equal(skeletonKey('/d/20240301/p/13812345678'), '/d/20240301/p/13812345678', '8 and 11 digits may be dates or phones');
  assert.equal(skeletonKey('/files/123.json'), '/files/123.json');
  assert.equal(skeletonKey('/x/\u0001'), null);
  const t = new PathTemplater(DEFAULT_TEMPLATER_SETTINGS);
  t.observe('h', 'GET', '/x/5');
  t.observe('h', 'GET', '/x/5');
  assert.equal(t.templateOf(t.observe('h', 'GET', '/x/\u0001')).template, '/x/%01', 'a raw marker is walked, not taken for an integer');
});
