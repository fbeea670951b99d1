// Integration tests of findings storage and the attacker view on a real SQLite file: findings merged with counts and
// statuses, IP ↔ identity links followed across hops, endpoints and data touched, one timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateDatabase, type StateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { FindingsRepository } from '../../../appliance/src/analyzers/tracing/findings.repository.ts';
import { ActorLinksRepository } from '../../../appliance/src/analyzers/tracing/actor-links.repository.ts';
import { TracingAnalyzer } from '../../../appliance/src/analyzers/tracing/tracing.analyzer.ts';
import { TracingService, type CallEventsSource, type TracedCall } from '../../../appliance/src/analyzers/tracing/tracing.service.ts';
import { IdentityAnalyzer } from '../../../appliance/src/analyzers/identity/identity.analyzer.ts';
import type { ReportFinding } from '../../../appliance/src/analysis/analysis-report.types.ts';
import { makeCall, makeTx, type TxSpec } from '../../fixtures/transaction.fixture.ts';
import { runAbuseScore } from '../../../scripts/score/abuse.score.ts';

function withDb(fn: (db: StateDatabase) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracing-'));
    const db = openStateDatabase(join(dir, 'state.sqlite'));
    try {
      await fn(db);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const f = (o: Partial<ReportFinding>): ReportFinding => ({
  type: 'enumeration', category: 'abuse', severity: 'medium', host: 'api.example.com', method: 'GET', path: '/v1/accounts/{id}', client: '198.51.100.1',
  count: 3, firstSeen: '2024-01-01T00:00:00.000Z', lastSeen: '2024-01-01T00:05:00.000Z', evidence: 'first', ...o,
});

test('findings merge counts, widen first/last seen, raise severity and keep likely success', withDb((db) => {
  const repo = new FindingsRepository(db);
  repo.upsertMany([f({}), f({ type: 'sqli', category: 'attack', severity: 'high', outcome: 'likely_success' })]);
  repo.upsertMany([f({ count: 2, severity: 'high', firstSeen: '2023-12-31T23:00:00.000Z', lastSeen: '2024-01-01T01:00:00.000Z', evidence: 'latest' }), f({ type: 'sqli', category: 'attack', severity: 'medium', outcome: 'attempt' })]);
  const [enumeration] = repo.list({ category: 'abuse' });
  assert.equal(enumeration.count, 5);
  assert.equal(enumeration.severity, 'high');
  assert.equal(enumeration.firstSeen, '2023-12-31T23:00:00.000Z');
  assert.equal(enumeration.lastSeen, '2024-01-01T01:00:00.000Z');
  assert.equal(enumeration.evidence, 'latest');
  assert.equal(enumeration.status, 'open');
  const [sqli] = repo.list({ category: 'attack' });
  assert.equal(sqli.outcome, 'likely_success');
  assert.equal(sqli.severity, 'high');
}));

test('statuses: users set them; a resolved finding that recurs reopens, a false positive stays', withDb((db) => {
  const repo = new FindingsRepository(db);
  repo.upsertMany([f({}), f({ type: 'scraping' })]);
  const [a, b] = repo.list().sort((x, y) => x.id - y.id);
  assert.equal(repo.setStatus(a.id, 'resolved', 'alice', 'fixed in v2', '2024-01-02T00:00:00.000Z')?.status, 'resolved');
  assert.equal(repo.setStatus(b.id, 'false_positive', 'alice', 'partner batch job', '2024-01-02T00:00:00.000Z')?.statusBy, 'alice');
  assert.equal(repo.setStatus(9999, 'open', 'x', '', 'now'), null);
  assert.throws(() => repo.setStatus(a.id, 'bogus' as never, 'x', '', 'now'), /unknown finding status/);
  repo.upsertMany([f({ lastSeen: '2024-01-01T06:00:00.000Z' })]);
  assert.equal(repo.get(a.id)?.status, 'resolved', 'an occurrence before the resolution does not reopen');
  repo.upsertMany([f({ lastSeen: '2024-01-03T00:00:00.000Z' }), f({ type: 'scraping', lastSeen: '2024-01-03T00:00:00.000Z' })]);
  assert.equal(repo.get(a.id)?.status, 'open');
  assert.equal(repo.get(b.id)?.status, 'false_positive');
  assert.deepEqual(repo.list({ status: ['false_positive'] }).map((x) => x.type), ['scraping']);
  assert.deepEqual(repo.list({ clients: ["' OR 1=1 --"] }), [], 'filters are parameters, not SQL');
}));

const tok = (sub: string): Array<[string, string]> => [['Authorization', `Bearer ${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub, exp: 1_800_000_000 })).toString('base64url')}.c2ln`]];

test('attacker view: linked IPs and identities across hops, endpoints, data touched, one timeline', withDb(async (db) => {
  const identity = new IdentityAnalyzer();
  const collector = new TracingAnalyzer();
  const specs: TxSpec[] = [
    { clientIp: '203.0.113.1', requestHeaders: tok('eve'), target: '/v1/accounts/1', status: 200 },
    { clientIp: '203.0.113.2', requestHeaders: tok('eve'), target: '/v1/accounts/2', status: 404 },
    { clientIp: '203.0.113.2', requestHeaders: tok('frank'), target: '/v1/cards/9', status: 200 },
    { clientIp: '203.0.113.3', requestHeaders: tok('frank'), target: '/v1/cards/7', status: 200 },
    { clientIp: '192.0.2.99', requestHeaders: tok('grace'), target: '/v1/accounts/5', status: 200 },
  ];
  for (const s of specs) {
    const call = makeCall(makeTx(s));
    identity.onCall(call);
    if (s.target === '/v1/cards/9') call.sensitive = [{ type: 'bank_card', location: 'json', direction: 'response', field: 'card', value: 'v', masked: '622202******7890', confidence: 1, credential: false }];
    collector.onCall(call);
  }
  const links = new ActorLinksRepository(db);
  const d = collector.drain();
  links.merge(d.links, d.activity);
  links.merge(collector.drain().links, []);
  const findings = new FindingsRepository(db);
  findings.upsertMany([f({ client: '203.0.113.1', firstSeen: '2024-01-01T00:00:00.000Z' }), f({ client: '203.0.113.3', type: 'scraping', firstSeen: '2024-01-01T00:01:00.000Z' }), f({ client: '192.0.2.99', type: 'sqli' })]);
  const events: CallEventsSource = {
    async callsOf(ips, ids, limit) {
      const all: TracedCall[] = [{ ts: '2024-01-01T00:00:30.000Z', clientIp: '203.0.113.2', identity: 'sub:eve', method: 'GET', host: 'api.example.com', path: '/v1/accounts/{id}', status: 404, detections: [] }];
      return all.filter((c) => ips.includes(c.clientIp) || ids.includes(c.identity)).slice(0, limit);
    },
  };
  const svc = new TracingService(findings, links, events, () => new Date('2024-02-01T00:00:00Z'));

  const t = await svc.trace({ identity: 'sub:eve' }, { maxHops: 3 });
  assert.deepEqual(t.ips, ['203.0.113.1', '203.0.113.2', '203.0.113.3']);
  assert.deepEqual(t.identities, ['sub:eve', 'sub:frank']);
  assert.deepEqual(t.dataTouched, ['bank_card']);
  assert.ok(t.endpoints.some((e) => e.actor === 'id:sub:frank' && e.path === '/v1/cards/9'));
  assert.equal(t.endpoints.find((e) => e.actor === 'ip:203.0.113.2' && e.path === '/v1/accounts/2')?.errors, 1);
  assert.deepEqual(t.timeline.map((e) => e.kind), ['finding', 'call', 'finding']);
  assert.equal(t.summary.findings, 2);
  assert.ok(!t.ips.includes('192.0.2.99'), 'unlinked clients stay out');

  const oneHop = await svc.trace({ identity: 'sub:eve' }, { maxHops: 1 });
  assert.deepEqual(oneHop.identities, ['sub:eve']);
  assert.equal(oneHop.truncated, true);

  const id = t.timeline.find((e) => e.kind === 'finding')!;
  assert.equal(id.kind === 'finding' && svc.setFindingStatus(id.finding.id, 'acknowledged', 'bob')?.statusAt, '2024-02-01T00:00:00.000Z');
}));

test('a real capture: report findings stored and the BOLA prober traced to its identity', withDb(async (db) => {
  const { report } = await runAbuseScore(3);
  const repo = new FindingsRepository(db);
  repo.upsertMany(report.findings);
  assert.equal(repo.list({ limit: 10_000 }).length, report.findings.length);
  const links = new ActorLinksRepository(db);
  const mallory = report.clients.find((c) => c.ip === '203.0.113.13')!;
  links.merge(mallory.identities.map((identity) => ({ ip: mallory.ip, identity, calls: mallory.calls, firstSeen: '2023-11-14T22:13:20.000Z', lastSeen: '2023-11-14T22:15:00.000Z' })), []);
  const t = await new TracingService(repo, links).trace({ identity: 'sub:mallory' });
  assert.deepEqual(t.ips, ['203.0.113.13']);
  assert.ok(t.timeline.some((e) => e.kind === 'finding' && e.finding.type === 'enumeration'));
}));
