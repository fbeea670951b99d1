// Re-scoring writes only what changed: live capture re-scores every endpoint of each report, so the same traffic
// factors and the same score must leave the state database untouched; a change of factors or score is written, with a
// history row when the score moved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { InventoryRepository } from '../../../appliance/src/store/sqlite/inventory.repository.ts';
import { RiskRepository } from '../../../appliance/src/store/sqlite/risk.repository.ts';
import { RiskService } from '../../../appliance/src/services/risk.service.ts';
import type { RiskFactor } from '../../../appliance/src/analyzers/risk/risk.model.ts';

test('the same report re-scored writes nothing; changed factors write the new score and a history row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'risk-writes-'));
  const db = openStateDatabase(join(dir, 'state.sqlite'));
  try {
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const repo = new RiskRepository(db);
    const risk = new RiskService(repo, clock);
    const id = new InventoryRepository(db).insert(
      { host: 'api.example.com', method: 'GET', template: '/v1/users/{id}', calls: 10, firstSeen: clock.now(), lastSeen: clock.now(), statuses: { '200': 10 }, auth: [], sensitive: [], params: [], inSpec: false, deprecated: false, risk: 0 },
      clock.now(),
    );
    const changes = (): number => (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const report = (factors: RiskFactor[]): void => {
      repo.transaction(() => repo.setSourceFactors(id, 'live', factors, clock.now()));
      risk.rescore([id]);
    };
    const weak: RiskFactor[] = [{ factor: 'auth', points: 10, max: 20, reasons: ['weak scheme: basic'] }];
    report(weak);
    const first = repo.get(id)!;
    assert.ok(first.score > 0);
    assert.equal(repo.history(id, 10).length, 1);

    clock.advance(60_000);
    const before = changes();
    report(weak);
    assert.equal(changes(), before, 'nothing written for an unchanged report');
    assert.deepEqual(repo.get(id), first, 'scored_at is when the breakdown was computed');

    clock.advance(60_000);
    report([...weak, { factor: 'sensitivity', points: 20, max: 25, reasons: ['cn_id_card in responses'] }]);
    assert.ok(changes() > before, 'a changed report is written');
    const second = repo.get(id)!;
    assert.ok(second.score > first.score);
    assert.equal(second.scoredAt, clock.now());
    assert.deepEqual(repo.history(id, 10).map((h) => h.score), [second.score, first.score]);
    assert.equal((db.prepare('SELECT risk FROM inventory_endpoints WHERE id = ?').get(id) as { risk: number }).risk, second.score);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
