// The report data source over the stored inventory (real SQLite): endpoints of every source (live included) are
// counted, "new" means recorded as new in the period, lifecycle changes of the period are listed, and open shadow /
// zombie findings are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { InventoryRepository } from '../../../appliance/src/store/sqlite/inventory.repository.ts';
import { SettingsRepository } from '../../../appliance/src/store/sqlite/settings.repository.ts';
import { AuditRepository } from '../../../appliance/src/store/sqlite/audit.repository.ts';
import { SensitiveRepository } from '../../../appliance/src/store/sqlite/sensitive.repository.ts';
import { FindingsRepository } from '../../../appliance/src/analyzers/tracing/findings.repository.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { InventoryService } from '../../../appliance/src/services/inventory.service.ts';
import { StoredReportDataSource } from '../../../appliance/src/reports/report-data.source.ts';
import type { AnalysisReport, ReportEndpoint } from '../../../appliance/src/analysis/analysis-report.types.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

function ep(path: string, lastSeen: number, sensitive: string[] = []): ReportEndpoint {
  return { host: 'api.example.com', method: 'GET', path, calls: 4, statuses: { '200': 4 }, auth: ['jwt'], sensitive, params: [], inSpec: false, deprecated: false, risk: 10, firstSeen: new Date(lastSeen - 1000).toISOString(), lastSeen: new Date(lastSeen).toISOString() };
}

function report(endpoints: ReportEndpoint[]): AnalysisReport {
  return { schemaVersion: 1, stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} }, endpoints, findings: [], clients: [] };
}

test('reports read endpoints, new endpoints and lifecycle changes from the stored inventory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rep-inv-'));
  const db = openStateDatabase(join(dir, 'state.sqlite'));
  try {
    const clock = new ManualClock(T0);
    const repo = new InventoryRepository(db);
    const inv = new InventoryService(repo, new SettingsRepository(db), new AuditRepository(db), clock);
    inv.ingest(report([ep('/old', T0)]), 'live:eth1:1');
    clock.set(T0 + 40 * DAY);
    inv.ingest(report([ep('/fresh', T0 + 40 * DAY, ['cn_mobile'])]), 'live:eth1:2');
    const findings = new FindingsRepository(db);
    const iso = new Date(T0 + 40 * DAY).toISOString();
    findings.upsertMany([
      { type: 'shadow_api', category: 'inventory', severity: 'medium', host: 'api.example.com', method: 'GET', path: '/fresh', client: '', count: 4, firstSeen: iso, lastSeen: iso, evidence: 'undeclared' },
      { type: 'zombie_api', category: 'inventory', severity: 'medium', host: 'api.example.com', method: 'GET', path: '/old', client: '', count: 1, firstSeen: iso, lastSeen: iso, evidence: 'deprecated' },
    ]);
    const source = new StoredReportDataSource({ findings, sensitive: new SensitiveRepository(db), captures: { list: () => [], report: () => undefined }, inventory: repo });
    const d = source.collect({ start: T0 + 30 * DAY, end: T0 + 41 * DAY }, { hosts: [] });
    assert.equal(d.posture.endpoints, 2, 'both endpoints, from live sources');
    assert.deepEqual(d.changes.newEndpoints.map((e) => e.path), ['/fresh']);
    assert.deepEqual(d.changes.lifecycle.map((l) => `${l.kind} ${l.path}`), ['dormant /old']);
    assert.equal(d.changes.shadowApis, 1);
    assert.equal(d.changes.zombieApis, 1);
    assert.equal(d.sensitive.byType.find((t) => t.typeId === 'cn_mobile')?.endpoints, 1);
    const other = source.collect({ start: T0 + 30 * DAY, end: T0 + 41 * DAY }, { hosts: ['shop.example.com'] });
    assert.equal(other.posture.endpoints, 0, 'scope by host');
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
