// Tests of segment classification and endpoint templating: typed values, cardinality merges with static siblings
// kept literal, versions and date versions kept literal, parameter names, confidence, and bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySegment, paramName, singular } from '../../../appliance/src/analyzers/inventory/segment.classifier.ts';
import { literalSuffixStart, PathTemplater, splitPath } from '../../../appliance/src/analyzers/inventory/path.templater.ts';

test('segments that are values are recognised; words, slugs and versions are not', () => {
  const cases: Array<[string, string]> = [
    ['12345', 'integer'],
    ['1234567890123456789', 'integer'],
    ['550e8400-e29b-41d4-a716-446655440000', 'uuid'],
    ['507f1f77bcf86cd799439011', 'objectid'],
    ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'hex'],
    ['2024-03-01', 'date'],
    ['20240301', 'date'],
    ['alice@example.com', 'email'],
    ['13812345678', 'phone'],
    ['11010519491231002X', 'idcard'],
    ['eyJhbGciOiJIUzI1NiJ9Xk3Lq8', 'token'],
    ['users', 'literal'],
    ['blue-widget-42', 'literal'],
    ['me', 'literal'],
    ['v1', 'version'],
    ['v2.1', 'version'],
    ['deadbeef', 'literal'],
  ];
  for (const [seg, kind] of cases) assert.equal(classifySegment(seg), kind, seg);
});

test('parameter names come from the resource before them', () => {
  assert.equal(paramName('users', 'integer'), 'userId');
  assert.equal(paramName('categories', 'integer'), 'categoryId');
  assert.equal(paramName('order-items', 'uuid'), 'orderItemId');
  assert.equal(paramName(null, 'integer'), 'id');
  assert.equal(paramName('{userId}', 'integer'), 'id');
  assert.equal(singular('boxes'), 'box');
  assert.equal(singular('status'), 'status');
});

test('typed values become parameters at once; nested resources get distinct names', () => {
  const t = new PathTemplater();
  t.observe('api.example.com', 'GET', '/v2/accounts/1001/transactions/550e8400-e29b-41d4-a716-446655440000');
  const r = t.template('api.example.com', 'GET', '/v2/accounts/77/transactions/123e4567-e89b-12d3-a456-426614174000');
  assert.equal(r.template, '/v2/accounts/{accountId}/transactions/{transactionId}');
  assert.deepEqual(r.params.map((p) => [p.name, p.type, p.format ?? null, p.reason]), [
    ['accountId', 'integer', null, 'typed'],
    ['transactionId', 'string', 'uuid', 'typed'],
  ]);
  assert.equal(r.confidence, 1);
  assert.equal(t.template('api.example.com', 'GET', '/items/5/5').template, '/items/{itemId}/{id}');
});

test('many distinct literals merge into a parameter; a frequent static sibling stays literal', () => {
  const t = new PathTemplater();
  for (let i = 0; i < 40; i++) t.observe('shop', 'GET', '/products/search');
  for (let i = 0; i < 30; i++) t.observe('shop', 'GET', `/products/widget-${String.fromCharCode(97 + (i % 26))}${i}`);
  assert.equal(t.template('shop', 'GET', '/products/search').template, '/products/search');
  const slug = t.template('shop', 'GET', '/products/never-seen-gizmo');
  assert.equal(slug.template, '/products/{product}');
  assert.equal(slug.params[0].reason, 'cardinality');
  assert.ok(slug.confidence < 1 && slug.confidence >= 0.5);
  assert.ok(slug.params[0].examples.length > 0);
});

test('few literals stay literal (/users/me next to /users/{userId}); methods and hosts are separate', () => {
  const t = new PathTemplater();
  for (let i = 0; i < 50; i++) t.observe('h', 'GET', `/users/${i}`);
  t.observe('h', 'GET', '/users/me');
  t.observe('h', 'GET', '/users/settings');
  assert.equal(t.template('h', 'GET', '/users/me').template, '/users/me');
  assert.equal(t.template('h', 'GET', '/users/settings').template, '/users/settings');
  assert.equal(t.template('h', 'GET', '/users/9').template, '/users/{userId}');
  assert.equal(t.template('h', 'POST', '/users/me').template, '/users/me');
  assert.equal(t.template('other', 'GET', '/users/abc').template, '/users/abc');
});

test('a leading date is an API version; a trailing date is a parameter', () => {
  const t = new PathTemplater();
  assert.equal(t.template('tw', 'GET', '/2010-04-01/Accounts/AC123').template, '/2010-04-01/Accounts/AC123');
  assert.equal(t.template('r', 'GET', '/reports/daily/2024-05-01').template, '/reports/daily/{dailyDate}');
  assert.equal(t.template('r', 'GET', '/api/2024-01-01/orders/5').template, '/api/2024-01-01/orders/{orderId}');
});

test('paths are split and percent-decoded safely; hostile escapes do not throw', () => {
  assert.deepEqual(splitPath('/a//b/%E4%B8%AD/'), ['a', 'b', '中']);
  assert.deepEqual(splitPath('/bad/%E4%ZZ'), ['bad', '%E4%ZZ']);
  const t = new PathTemplater();
  assert.equal(t.template('h', 'GET', '/files/%E4%B8%AD%E6%96%87').template, '/files/%E4%B8%AD%E6%96%87');
  assert.equal(t.template('h', 'GET', '/').template, '/');
});

test('the tree stays bounded: past the node budget, new literals under wide parents become parameters', () => {
  const t = new PathTemplater({ maxLiteralChildren: 1_000_000, staticCallRatio: 8, staticMinCalls: 10, maxNodes: 100, maxExamples: 3, resourceNameFactor: 5, walkCacheSize: 8192 });
  for (let i = 0; i < 5000; i++) t.observe('h', 'GET', `/k/word${i}x/leaf`);
  assert.ok(t.size <= 110, `nodes ${t.size}`);
});

test('many sibling resource names stay literal; word resources next to id-like values stay static', () => {
  const t = new PathTemplater();
  const resources = ['files', 'folders', 'users', 'groups', 'comments', 'collaborations', 'tasks', 'webhooks', 'events', 'collections', 'invites', 'metadata_templates', 'retention_policies', 'legal_holds', 'web_links', 'shared_items', 'recent_items', 'search', 'device_pinners', 'terms_of_services', 'storage_policies', 'zip_downloads', 'sign_requests', 'workflows', 'skill_invocations'];
  for (const r of resources) t.observe('box', 'GET', `/2.0/${r}`);
  assert.equal(t.template('box', 'GET', '/2.0/legal_holds').template, '/2.0/legal_holds', '25 resource names are not a parameter');
  // Under an id: many `thumbnail.<n>` values and a few sub-resources seen once each.
  for (const sub of ['comments', 'tasks', 'trash']) t.observe('box', 'GET', `/2.0/files/123/${sub}`);
  for (let i = 0; i < 30; i++) t.observe('box', 'GET', `/2.0/files/123/thumb${i}x9`);
  assert.equal(t.template('box', 'GET', '/2.0/files/456/comments').template, '/2.0/files/{fileId}/comments');
  assert.match(t.template('box', 'GET', '/2.0/files/456/thumb99x9').template, /^\/2\.0\/files\/\{fileId\}\/\{[a-zA-Z]+\}$/);
  // Values that share a prefix are values even when they are plain words.
  const u = new PathTemplater();
  for (let i = 0; i < 25; i++) u.observe('h', 'GET', `/users/name${String.fromCharCode(97 + i)}`);
  assert.match(u.template('h', 'GET', '/users/namez').template, /^\/users\/\{[a-zA-Z]+\}$/);
});

test('a literal suffix after a value stays literal: {messageSid}.json, {fileId}.pdf, {userId}:activate', () => {
  assert.equal(literalSuffixStart('AC0123456789abcdef0123456789abcdef.json'), 34);
  assert.equal(literalSuffixStart('42:activate'), 2);
  assert.equal(literalSuffixStart('42:batch-get'), 2);
  for (const seg of ['3.14', '10.0.0.1', 'v2.1', 'report', 'a.b-c', 'x.verylongext']) assert.equal(literalSuffixStart(seg), -1, seg);
  const t = new PathTemplater();
  const sid = (i: number): string => `SM${i.toString(16).padStart(32, 'a1')}`;
  for (let i = 0; i < 5; i++) t.observe('tw', 'GET', `/2010-04-01/Accounts/AC${'b2'.repeat(16)}/Messages/${sid(i)}.json`);
  t.observe('tw', 'GET', `/2010-04-01/Accounts/AC${'b2'.repeat(16)}/Messages.json`);
  assert.equal(t.template('tw', 'GET', `/2010-04-01/Accounts/AC${'c3'.repeat(16)}/Messages/${sid(9)}.json`).template, '/2010-04-01/Accounts/{accountId}/Messages/{messageId}.json');
  assert.equal(t.template('tw', 'GET', `/2010-04-01/Accounts/AC${'c3'.repeat(16)}/Messages.json`).template, '/2010-04-01/Accounts/{accountId}/Messages.json');
  // A value with and without the suffix, and a custom method: distinct endpoints.
  for (let i = 1; i < 4; i++) {
    t.observe('f', 'GET', `/files/${i}`);
    t.observe('f', 'GET', `/files/${i}.pdf`);
    t.observe('f', 'POST', `/users/${i}:activate`);
  }
  const pdf = t.observe('f', 'GET', '/files/77.pdf');
  assert.equal(t.templateOf(pdf).template, '/files/{fileId}.pdf');
  assert.deepEqual(t.templateOf(pdf).params.map((p) => [p.name, p.type, p.examples[0]]), [['fileId', 'integer', '1']]);
  assert.equal(t.templateOf(t.observe('f', 'GET', '/files/78')).template, '/files/{fileId}');
  assert.equal(t.template('f', 'POST', '/users/9:activate').template, '/users/{userId}:activate');
  // Slugs merged by cardinality keep the suffix they all share; mixed suffixes merge whole.
  for (let i = 0; i < 25; i++) t.observe('f', 'GET', `/exports/report-${String.fromCharCode(97 + (i % 26))}${i}.csv`);
  assert.equal(t.templateOf(t.observe('f', 'GET', '/exports/new-one.csv')).template, '/exports/{export}.csv');
  assert.equal(t.template('f', 'GET', '/exports/other-two.csv').template, '/exports/{export}.csv');
  for (let i = 0; i < 25; i++) t.observe('f', 'GET', `/docs/doc-${String.fromCharCode(97 + (i % 26))}${i}.${i % 2 === 0 ? 'pdf' : 'txt'}`);
  assert.match(t.template('f', 'GET', '/docs/doc-z.pdf').template, /^\/docs\/\{[a-z]+\}$/);
  // Emails and domain-like literals are not split.
  assert.equal(t.template('f', 'GET', '/people/alice@example.com').template, '/people/{peopleEmail}');
  assert.equal(t.template('f', 'GET', '/sites/example.com').template, '/sites/example.com');
});

test('user decisions stick: a pinned literal is never merged, split values stay literal, a dissolved parameter is undone', () => {
  const slugs = (t: PathTemplater, prefix: string, n: number): void => {
    for (let i = 0; i < n; i++) t.observe('h', 'GET', `${prefix}/item-${String.fromCharCode(97 + (i % 26))}${i}`);
  };
  // Pinned before it is seen: `/products/rare` stays literal although called once among 30 slugs.
  const t = new PathTemplater();
  t.setDecisions([{ host: 'h', method: 'GET', template: '/products/rare', kind: 'pin' }]);
  t.observe('h', 'GET', '/products/rare');
  slugs(t, '/products', 30);
  assert.equal(t.template('h', 'GET', '/products/rare').template, '/products/rare');
  assert.equal(t.templateOf(t.observe('h', 'GET', '/products/rare')).template, '/products/rare');
  assert.equal(t.template('h', 'GET', '/products/other-thing').template, '/products/{product}');

  // Split: values of a parameter become literal for the next calls, typed values included.
  t.setDecisions([{ host: 'h', method: 'GET', template: '/users/{userId}', kind: 'split', position: 1, values: ['0', 'me'] }]);
  for (let i = 1; i < 5; i++) t.observe('h', 'GET', `/users/${i}`);
  assert.equal(t.templateOf(t.observe('h', 'GET', '/users/0')).template, '/users/0');
  assert.equal(t.template('h', 'GET', '/users/0').template, '/users/0');
  assert.equal(t.templateOf(t.observe('h', 'GET', '/users/7')).template, '/users/{userId}');
  assert.equal(t.template('h', 'GET', '/products/rare').template, '/products/rare', 'an unpinned literal is not merged after the fact');

  // Dissolve on a live tree: the merged parameter and its statistics go; values are literals from then on.
  const u = new PathTemplater();
  slugs(u, '/tags', 30);
  assert.match(u.templateOf(u.observe('h', 'GET', '/tags/x-y')).template, /^\/tags\/\{[a-z]+\}$/);
  u.setDecisions([{ host: 'h', method: 'GET', template: '/tags/{tag}', kind: 'dissolve', position: 1 }]);
  assert.equal([...u.endpoints()].length, 0, 'no owner data attached here; the parameter node is gone');
  slugs(u, '/tags', 30);
  assert.equal(u.templateOf(u.observe('h', 'GET', '/tags/item-a0')).template, '/tags/item-a0');
  assert.equal(u.template('h', 'GET', '/tags/never-seen').template, '/tags/never-seen');
  assert.equal(u.templateOf(u.observe('h', 'GET', '/tags/42')).template, '/tags/42');
  // Decisions under a suffixed parameter use the suffix in the key; names do not matter.
  const v = new PathTemplater();
  v.setDecisions([{ host: 'h', method: 'GET', template: '/files/{x}.pdf', kind: 'split', position: 1, values: ['1.pdf'] }]);
  assert.equal(v.templateOf(v.observe('h', 'GET', '/files/1.pdf')).template, '/files/1.pdf');
  assert.equal(v.templateOf(v.observe('h', 'GET', '/files/2.pdf')).template, '/files/{fileId}.pdf');
});

test('a pinned literal first seen after its siblings merged is still literal', () => {
  const t = new PathTemplater();
  t.setDecisions([{ host: 'h', method: 'GET', template: '/reports/weekly', kind: 'pin' }]);
  for (let i = 0; i < 30; i++) t.observe('h', 'GET', `/reports/rep-${String.fromCharCode(97 + (i % 26))}${i}`);
  assert.equal(t.templateOf(t.observe('h', 'GET', '/reports/weekly')).template, '/reports/weekly');
  assert.match(t.templateOf(t.observe('h', 'GET', '/reports/other')).template, /^\/reports\/\{[a-z]+\}$/);
});
