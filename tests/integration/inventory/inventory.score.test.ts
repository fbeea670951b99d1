// Endpoint discovery scored on the project's own generated API styles (numeric ids, UUIDs, slugs with static
// siblings, nested resources, versioned and date-versioned paths, hashes, ObjectIds, snowflakes) through a real
// capture, and traffic generated from the real OpenAPI specs of the shared corpus (skipped with a message when absent):
// floors that today's templater meets, so a regression fails. `npm run score:inventory` prints the figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusSpecs, scoreSeed } from '../../../scripts/score/inventory.score.ts';
import { scoreInventory, normaliseTemplate } from '../../../scripts/traffic/inventory/inventory.scoring.ts';

test('scoring compares templates with parameter names ignored', () => {
  assert.equal(normaliseTemplate('/v1/users/{userId}/orders/{id}'), '/v1/users/{}/orders/{}');
  const s = scoreInventory(
    [{ host: 'h', method: 'GET', template: '/a/{x}', staticSibling: false }, { host: 'h', method: 'GET', template: '/a/me', staticSibling: true }],
    [{ host: 'h', method: 'GET', path: '/a/{id}' } as never],
  );
  assert.equal(s.correct, 1);
  assert.equal(s.recall, 0.5);
  assert.deepEqual(s.staticMerged, ['GET h/a/me']);
});

test('own API styles (suffixes after values included): F1 at least 0.97 and no static sibling merged into a parameter', async () => {
  const r = await scoreSeed(4242, [], 30);
  assert.ok(r.f1 >= 0.97, `F1 ${r.f1.toFixed(3)}; missed ${r.missed.join(', ')}; spurious ${r.spurious.join(', ')}`);
  assert.deepEqual(r.staticMerged, []);
});

const specs = await corpusSpecs();
const noCorpus = specs.length > 0 ? false : 'the shared corpus (../shared/corpora/openapi) is absent';

test('with the corpus specs (Box, Spotify, Twilio, xkcd): F1 at least 0.98 and no static sibling merged', { skip: noCorpus }, async () => {
  const r = await scoreSeed(4243, specs, 30);
  assert.ok(r.f1 >= 0.98, `F1 ${r.f1.toFixed(3)}; missed ${r.missed.slice(0, 10).join(', ')}`);
  assert.deepEqual(r.staticMerged, []);
});
