// Tests of the call log's per-endpoint views on a real DuckDB call log: one endpoint's clients (address × identity)
// with calls, errors, sensitive values, first/last seen and finding counts, bounded by range and limit; the calls
// behind a finding (its key and time span, including calls without a template); one call by id with its findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventsDatabase } from '../../../appliance/src/store/duckdb/events.database.ts';
import { DuckDbCallsRepository } from '../../../appliance/src/store/duckdb/calls.repository.ts';
import { CallsService, type FindingsLookup } from '../../../appliance/src/services/calls.service.ts';
import { ApiError } from '../../../appliance/src/errors/error.catalogue.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import type { CallEvent } from '../../../appliance/src/store/events/call-event.types.ts';
import type { FindingRecord } from '../../../appliance/src/analyzers/tracing/findings.repository.ts';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0) * 1000;
const iso = (us: number): string => new Date(us / 1000).toISOString();

function call(sec: number, over: Partial<CallEvent> = {}): CallEvent {
  return {
    tsUs: T0 + sec * 1_000_000, source: 'upload:1', clientIp: '10.0.0.1', clientPort: 40000, serverIp: '10.1.0.1', serverPort: 80, host: 'api.example.com',
    method: 'GET', uri: `/v1/users/${sec}`, template: '/v1/users/{id}', status: 200, requestBytes: 100, responseBytes: 900, latencyUs: 1500, authScheme: 'jwt',
    identity: 'sub:alice', userAgent: 'curl/8', sensitiveTypes: [], sensitiveCount: 0, detections: [], flags: 0, ...over,
    // as the call-log mapper stores it: the highest detection's rank, 0 without one
    severity: over.detections !== undefined && over.detections.length > 0 ? 4 : 0,
  };
}

function finding(id: number, over: Partial<FindingRecord>): FindingRecord {
  return {
    id, type: 'sqli', category: 'attack', severity: 'high', host: 'api.example.com', method: 'GET', path: '/v1/users/{id}', client: '10.0.0.1', count: 1,
    firstSeen: iso(T0), lastSeen: iso(T0), evidence: '', outcome: null, status: 'open', statusNote: '', statusBy: '', statusAt: null, ...over,
  };
}

/** Findings from a fixed list, filtered as the findings repository filters them. */
function lookup(findings: FindingRecord[]): FindingsLookup {
  return {
    get: (id) => {
      const f = findings.find((x) => x.id === id);
      if (f === undefined) throw new ApiError('not_found');
      return f;
    },
    list: (q) => findings.filter((f) => (q.host === undefined || f.host === q.host) && (q.method === undefined || f.method === q.method) && (q.path === undefined || f.path === q.path)),
  };
}

async function withLog(events: CallEvent[], findings: FindingRecord[], fn: (calls: CallsService, repo: DuckDbCallsRepository) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'calls-ep-'));
  const db = await openEventsDatabase(join(dir, 'events.duckdb'));
  const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
  try {
    repo.append(events);
    await repo.flush();
    const calls = new CallsService(repo, new ManualClock(T0 / 1000 + 86_400_000), dir);
    calls.useFindings(lookup(findings));
    await fn(calls, repo);
  } finally {
    await repo.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("an endpoint's clients: per address and identity, only the endpoint's calls in the range, busiest first", async () => {
  const events = [
    call(10, { status: 500 }),
    call(20, { status: null, sensitiveTypes: ['cn_mobile'], sensitiveCount: 3 }),
    call(30, { sensitiveTypes: ['email'], sensitiveCount: 1, detections: ['sqli'] }),
    call(40),
    call(50, { identity: '' }),
    call(60, { identity: '', status: 404 }),
    call(70, { clientIp: '10.0.0.2', identity: '<img src=x onerror=alert(1)>' }),
    // not this endpoint: another method, another template, another host
    call(80, { method: 'POST' }),
    call(90, { template: '/v1/users/{id}/orders' }),
    call(100, { host: 'other.example.com' }),
    // outside the range asked for below
    call(7200),
  ];
  const findings = [finding(1, {}), finding(2, { type: 'bola' }), finding(3, { client: '', type: 'zombie' }), finding(4, { client: '10.0.0.2', path: '/v1/other' })];
  await withLog(events, findings, async (calls) => {
    const q = { host: 'api.example.com', method: 'get', template: '/v1/users/{id}', from: iso(T0), to: iso(T0 + 3600_000_000) };
    const r = await calls.endpointClients(q);
    assert.equal(r.total, 3);
    assert.deepEqual(
      r.clients.map((c) => [c.clientIp, c.identity, c.calls, c.errors, c.sensitiveCalls, c.sensitiveValues, c.detectedCalls, c.findings, c.first, c.last]),
      [
        ['10.0.0.1', 'sub:alice', 4, 2, 2, 4, 1, 2, iso(T0 + 10e6), iso(T0 + 40e6)],
        ['10.0.0.1', '', 2, 1, 0, 0, 0, 2, iso(T0 + 50e6), iso(T0 + 60e6)],
        ['10.0.0.2', '<img src=x onerror=alert(1)>', 1, 0, 0, 0, 0, 0, iso(T0 + 70e6), iso(T0 + 70e6)],
      ],
    );
    assert.equal(r.clients[0].errorShare, 0.5);
    const one = await calls.endpointClients({ ...q, limit: '1' });
    assert.equal(one.clients.length, 1);
    assert.equal(one.total, 3, 'the total counts every client, not just the page');
    const all = await calls.endpointClients({ ...q, to: iso(T0 + 7300_000_000) });
    assert.equal(all.clients[0].calls, 5, 'the later call counts when the range covers it');
    await assert.rejects(calls.endpointClients({ host: 'api.example.com', template: '/x' }), (e: unknown) => e instanceof ApiError && e.code === 'validation_failed');
  });
});

test("the calls behind a finding: its type, endpoint, client and time span; untemplated calls by their path", async () => {
  const events = [
    call(10, { detections: ['sqli'] }),
    call(20, { detections: ['sqli', 'xss'] }),
    call(30, { detections: ['xss'] }), // another type
    call(40, { detections: ['sqli'], clientIp: '10.0.0.9' }), // another client
    call(50, { detections: ['sqli'], method: 'POST' }), // another method
    call(60), // no detection
    call(5000, { detections: ['sqli'] }), // after the finding's last seen
    call(70, { template: '', uri: '/raw/path?id=1%27', detections: ['sqli'] }),
    call(80, { template: '', uri: '/raw/path', detections: ['sqli'] }),
    call(90, { template: '', uri: '/raw/pathology', detections: ['sqli'] }),
    call(100, { detections: ['scraping'], clientIp: '10.0.0.7' }),
    call(110, { detections: ['scraping'], clientIp: '10.0.0.8' }),
  ];
  const findings = [
    finding(1, { firstSeen: iso(T0 + 10e6), lastSeen: iso(T0 + 40e6) }),
    finding(2, { path: '/raw/path', firstSeen: iso(T0 + 70e6), lastSeen: iso(T0 + 90e6) }),
    finding(3, { type: 'scraping', category: 'abuse', client: '', firstSeen: iso(T0 + 100e6), lastSeen: iso(T0 + 110e6) }),
  ];
  await withLog(events, findings, async (calls) => {
    const ids = async (finding: number): Promise<string[]> => (await calls.search({ finding: String(finding) })).calls.map((c) => c.uri);
    assert.deepEqual(await ids(1), ['/v1/users/20', '/v1/users/10']);
    assert.deepEqual(await ids(2), ['/raw/path', '/raw/path?id=1%27']);
    assert.deepEqual(await ids(3), ['/v1/users/110', '/v1/users/100'], 'an endpoint-wide finding takes every client');
    assert.deepEqual((await calls.search({ finding: '1', status: '2xx', q: 'users/2' })).calls.map((c) => c.uri), ['/v1/users/20'], 'other filters narrow it');
    await assert.rejects(calls.search({ finding: '99' }), (e: unknown) => e instanceof ApiError && e.code === 'not_found');
    await assert.rejects(calls.search({ finding: 'x' }), (e: unknown) => e instanceof ApiError && e.code === 'validation_failed');

    const second = (await calls.search({ finding: '1' })).calls[0];
    const detail = await calls.call(String(second.id));
    assert.equal(detail.call.uri, '/v1/users/20');
    assert.equal(detail.call.responseBytes, 900);
    assert.deepEqual(detail.findings.map((f) => f.id), [1], 'the xss detection has no finding; the sqli one is finding 1');
    const raw = (await calls.search({ finding: '2' })).calls[0];
    assert.deepEqual((await calls.call(String(raw.id))).findings.map((f) => f.id), [2]);
    const late = (await calls.search({ q: 'users/5000' })).calls[0];
    assert.deepEqual((await calls.call(String(late.id))).findings, [], "a call after the finding's last seen is not behind it");
    for (const bad of ['999999', 'abc', '1e3', '-1']) await assert.rejects(calls.call(bad), (e: unknown) => e instanceof ApiError && e.code === 'not_found', bad);
  });
});
