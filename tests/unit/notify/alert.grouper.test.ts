// Grouping and rate limiting of alerts with a ManualClock: a flood of the same type+endpoint+client becomes one
// message with a count, distinct keys stay apart, the per-minute limit folds the rest into one summary that goes
// out when the minute allows, and alert text from traffic is cleaned and masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertGrouper } from '../../../appliance/src/notifiers/alert.grouper.ts';
import { SUMMARY_TYPE } from '../../../appliance/src/notifiers/alert.format.ts';
import { sanitizeAlert, maskEvidence, type Alert } from '../../../appliance/src/notifiers/alert.types.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';

function alert(over: Partial<Alert> = {}): Alert {
  return { type: 'sqli', category: 'attack', severity: 'high', host: 'api.example.com', endpoint: 'GET /v1/orders/{id}', client: '10.0.0.5', identity: '', evidence: 'tautology in query', count: 1, firstSeen: 0, lastSeen: 0, linkPath: '/findings', ...over };
}

test('alerts with the same type, endpoint and client within the window become one message with a count', () => {
  const clock = new ManualClock(1_000_000);
  const g = new AlertGrouper({ windowMs: 60_000, maxPerMinute: 20 });
  for (let i = 0; i < 250; i++) {
    g.add(alert({ firstSeen: clock.now(), lastSeen: clock.now(), evidence: `try ${i}`, severity: i === 100 ? 'critical' : 'high' }), clock.now());
    clock.advance(100);
  }
  assert.deepEqual(g.due(clock.now()), [], 'nothing before the window ends');
  clock.set(1_000_000 + 60_000);
  const out = g.due(clock.now());
  assert.equal(out.length, 1);
  assert.equal(out[0].count, 250);
  assert.equal(out[0].severity, 'critical', 'the group carries its worst severity');
  assert.equal(out[0].evidence, 'try 249', 'and the latest evidence');
  assert.equal(out[0].firstSeen, 1_000_000);
  assert.equal(out[0].lastSeen, 1_000_000 + 249 * 100);
  assert.deepEqual(g.due(clock.now() + 120_000), [], 'the group is gone once sent');
  assert.equal(g.pending, 0);
});

test('different clients or endpoints are different groups; window 0 sends at once', () => {
  const g = new AlertGrouper({ windowMs: 0, maxPerMinute: 20 });
  g.add(alert(), 0);
  g.add(alert({ client: '10.0.0.6' }), 0);
  g.add(alert({ endpoint: 'POST /v1/orders' }), 0);
  g.add(alert(), 0);
  const out = g.due(0);
  assert.equal(out.length, 3);
  assert.deepEqual(out.map((a) => a.count).sort(), [1, 1, 2]);
});

test('the per-minute limit folds the rest into one summary, sent when the minute allows', () => {
  const clock = new ManualClock(0);
  const g = new AlertGrouper({ windowMs: 0, maxPerMinute: 5 });
  for (let i = 0; i < 12; i++) g.add(alert({ client: `10.0.1.${i}`, count: i + 1 }), clock.now());
  const first = g.due(clock.now());
  assert.equal(first.length, 5, 'never more than the limit');
  assert.deepEqual(first.slice(0, 4).map((a) => a.client), ['10.0.1.0', '10.0.1.1', '10.0.1.2', '10.0.1.3']);
  const summary = first[4];
  assert.equal(summary.type, SUMMARY_TYPE, 'the last slot is the summary');
  assert.equal(summary.count, [5, 6, 7, 8, 9, 10, 11, 12].reduce((a, b) => a + b), 'it counts every alert held back');
  assert.match(summary.evidence, /^68 alerts in 8 groups were held back by the limit of 5 messages a minute: 12× sqli GET \/v1\/orders\/\{id\} from 10\.0\.1\.11;/);
  assert.equal(summary.host, 'api.example.com');

  clock.advance(10_000);
  for (let i = 0; i < 3; i++) g.add(alert({ client: `10.0.2.${i}` }), clock.now());
  assert.deepEqual(g.due(clock.now()), [], 'the minute is used up: held back');
  assert.equal(g.pending, 3);
  clock.advance(50_000);
  const later = g.due(clock.now());
  assert.equal(later.length, 1, 'one summary for what was held back');
  assert.equal(later[0].type, SUMMARY_TYPE);
  assert.equal(later[0].count, 3);
  assert.equal(g.pending, 0);
});

test('a limit of one still says what was held back', () => {
  const g = new AlertGrouper({ windowMs: 0, maxPerMinute: 1 });
  g.add(alert(), 0);
  g.add(alert({ client: '10.9.9.9' }), 0);
  const out = g.due(0);
  assert.equal(out.length, 1);
  assert.equal(out[0].type, SUMMARY_TYPE);
  assert.equal(out[0].count, 2);
});

test('alert text from traffic: control characters removed, long numbers and tokens masked, bad links dropped', () => {
  const a = sanitizeAlert(alert({
    type: 'sq li\n',
    host: 'evil\r\nX-Injected: 1',
    evidence: 'card 6222021234567890 id 110101199003071234 Authorization: Bearer abcdefghijklmnop jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig\u2028end\u0000',
    linkPath: '//evil.example/x',
    firstSeen: 20,
    lastSeen: 10,
    count: 0,
  }));
  assert.equal(a.type, 'sq_li_');
  assert.equal(a.host, 'evil  X-Injected: 1');
  assert.doesNotMatch(a.evidence, /6222021234567890|110101199003071234|abcdefghijklmnop|eyJzdWIi/);
  assert.ok(![...a.evidence].some((c) => c.charCodeAt(0) < 0x20 || c === '\u2028'), 'no control characters or line separators');
  assert.match(a.evidence, /card 622\*{9}7890 id 110\*{11}1234/);
  assert.equal(a.linkPath, '');
  assert.equal(a.count, 1);
  assert.equal(a.firstSeen, 10);
  assert.equal(a.lastSeen, 20);
  assert.equal(maskEvidence('password=hunter22 ok'), 'password=**** ok');
});
