// A literal prefix before a value (`thumbnail.{extension}`): literals merged by cardinality keep the word and dot
// they all start with; later values, raw-path look-ups and user decisions follow the prefixed parameter; mixed
// prefixes and shared suffixes keep the earlier rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { literalPrefixEnd, PathTemplater } from '../../../appliance/src/analyzers/inventory/path.templater.ts';

const WORDS = ['red', 'blue', 'ocean', 'summer', 'garden', 'tiger', 'silver', 'maple', 'delta', 'river', 'stone', 'cloud', 'amber', 'north', 'pixel'];

test('where the value after a literal prefix starts', () => {
  assert.equal(literalPrefixEnd('thumbnail.png'), 10);
  assert.equal(literalPrefixEnd('icon_small.red-blue-3'), 11);
  assert.equal(literalPrefixEnd('thumbnail.'), -1, 'nothing after the dot');
  assert.equal(literalPrefixEnd('.hidden'), -1);
  assert.equal(literalPrefixEnd('3.14'), -1, 'a number is no prefix');
  assert.equal(literalPrefixEnd('a b.png'), -1);
});

test('merged literals keep a shared `word.` prefix; later values follow it', () => {
  const t = new PathTemplater();
  t.observe('box', 'GET', '/files/1/comments');
  for (let i = 0; i < 30; i++) t.observe('box', 'GET', `/files/${1000 + i}/thumbnail.${WORDS[i % WORDS.length]}-${i}`);
  const n = t.observe('box', 'GET', '/files/2/thumbnail.other');
  const tpl = t.templateOf(n);
  assert.equal(tpl.template, '/files/{fileId}/thumbnail.{extension}');
  assert.deepEqual(tpl.params.map((p) => [p.name, p.reason]), [['fileId', 'typed'], ['extension', 'cardinality']]);
  assert.ok(!tpl.params[1].examples.some((v) => v.startsWith('thumbnail.')), 'examples are the values after the prefix');
  assert.equal(n.calls, 31, 'the merged literals\' calls moved to the prefixed parameter');
  assert.equal(t.template('box', 'GET', '/files/9/thumbnail.zzz').template, '/files/{fileId}/thumbnail.{extension}');
  assert.equal(t.template('box', 'GET', '/files/9/comments').template, '/files/{fileId}/comments');
});

test('mixed prefixes merge whole; a shared suffix wins over a prefix', () => {
  const t = new PathTemplater();
  for (let i = 0; i < 25; i++) t.observe('h', 'GET', `/a/${i % 2 === 0 ? 'small' : 'large'}.${WORDS[i % WORDS.length]}${i}`);
  assert.match(t.template('h', 'GET', '/a/small.x').template, /^\/a\/\{[a-z]+\}$/);
  for (let i = 0; i < 25; i++) t.observe('h', 'GET', `/b/report.${WORDS[i % WORDS.length]}${i}.csv`);
  assert.match(t.template('h', 'GET', '/b/report.y.csv').template, /^\/b\/\{[a-z]+\}\.csv$/);
});

test('decisions on a prefixed parameter stick: a split value stays literal, a dissolved one is undone', () => {
  const t = new PathTemplater();
  const feed = (from: number, n: number): void => {
    for (let i = from; i < from + n; i++) t.observe('h', 'GET', `/img/thumbnail.${WORDS[i % WORDS.length]}${i}`);
  };
  feed(0, 25);
  assert.equal(t.template('h', 'GET', '/img/thumbnail.q').template, '/img/thumbnail.{extension}');
  t.setDecisions([{ host: 'h', method: 'GET', template: '/img/thumbnail.{extension}', kind: 'split', position: 1, values: ['thumbnail.png'] }]);
  assert.equal(t.templateOf(t.observe('h', 'GET', '/img/thumbnail.png')).template, '/img/thumbnail.png');
  assert.equal(t.template('h', 'GET', '/img/thumbnail.png').template, '/img/thumbnail.png');
  assert.equal(t.template('h', 'GET', '/img/thumbnail.gif').template, '/img/thumbnail.{extension}');
  t.setDecisions([{ host: 'h', method: 'GET', template: '/img/thumbnail.{extension}', kind: 'dissolve', position: 1 }]);
  assert.equal(t.templateOf(t.observe('h', 'GET', '/img/thumbnail.gif')).template, '/img/thumbnail.gif');
});
