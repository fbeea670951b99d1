// Integration tests of the sensitive-data state tables on a real SQLite file: level edits reach a running analyzer
// without restart, and endpoint field exposure is stored and merged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { SensitiveRepository } from '../../../appliance/src/store/sqlite/sensitive.repository.ts';
import { SensitivityLevelsService, SensitivityLevelError } from '../../../appliance/src/analyzers/sensitive/sensitivity-levels.service.ts';
import { SensitiveAnalyzer } from '../../../appliance/src/analyzers/sensitive/sensitive.analyzer.ts';
import { makeCall, makeTx } from '../../fixtures/transaction.fixture.ts';

function withDb(fn: (repo: SensitiveRepository, path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'sensitive-repo-'));
  const path = join(dir, 'state.sqlite');
  const db = openStateDatabase(path);
  try {
    fn(new SensitiveRepository(db, () => new Date('2026-01-02T03:04:05Z')), path);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('level edits are stored, validated and reach the running analyzer', () => {
  withDb((repo, path) => {
    const service = new SensitivityLevelsService(repo);
    const analyzer = new SensitiveAnalyzer({ learning: false });
    service.subscribe((levels) => analyzer.setLevels(levels));
    const call = makeCall(makeTx({ target: '/c', requestHeaders: [['Authorization', 'Basic Ym9iOnB3']], responseType: 'application/json', responseBody: '{"email":"wang.fang@example.cn"}' }));
    analyzer.onCall(call);
    assert.equal(analyzer.snapshot().endpoints[0].level, 3);
    service.set('email', 4, 'admin');
    assert.equal(analyzer.snapshot().endpoints[0].level, 4);
    assert.deepEqual(repo.levelOverrides(), [{ typeId: 'email', level: 4, updatedAt: '2026-01-02T03:04:05.000Z', updatedBy: 'admin' }]);
    assert.throws(() => service.set('email', 5, 'admin'), SensitivityLevelError);
    assert.throws(() => service.set("x'); DROP TABLE sensitive_type_levels; --", 2, 'admin'), SensitivityLevelError);
    const view = service.list().find((v) => v.typeId === 'email');
    assert.deepEqual([view?.defaultLevel, view?.level, view?.edited], [3, 4, true]);
    // a new connection to the same file sees the edit
    const db2 = openStateDatabase(path);
    try {
      assert.equal(new SensitivityLevelsService(new SensitiveRepository(db2)).levels().get('email'), 4);
    } finally {
      db2.close();
    }
    service.reset('email');
    assert.equal(analyzer.snapshot().endpoints[0].level, 3);
    assert.deepEqual(repo.levelOverrides(), []);
  });
});

test('field exposure is stored per endpoint, field and type, and merged on save', () => {
  withDb((repo) => {
    const analyzer = new SensitiveAnalyzer({ learning: false });
    const spec = { target: '/v1/users/1', requestHeaders: [['Authorization', 'Basic Ym9iOnB3']] as [string, string][], responseType: 'application/json' };
    analyzer.onCall(makeCall(makeTx({ ...spec, startTs: 1_000_000, responseBody: '{"user":{"idCard":"110101199003074514","mobile":"13812345678"}}' })));
    repo.saveFieldExposure(analyzer.snapshot().endpoints);
    analyzer.onCall(makeCall(makeTx({ ...spec, startTs: 9_000_000, responseBody: '{"user":{"idCard":"11010519491231002X"}}' })));
    repo.saveFieldExposure(analyzer.snapshot().endpoints);
    const rows = repo.fieldExposure({ host: 'api.example.com', method: 'GET', path: '/v1/users/{n}' });
    assert.deepEqual(
      rows.map((r) => [r.direction, r.location, r.field, r.typeId, r.hits, r.firstSeenUs, r.lastSeenUs]),
      [
        ['response', 'json', 'user.idCard', 'cn_id_card', 2, 1_000_000, 9_000_000],
        ['response', 'json', 'user.mobile', 'cn_mobile', 1, 1_000_000, 1_000_000],
      ],
    );
    assert.equal(repo.fieldExposure({ host: 'other', method: 'GET', path: '/' }).length, 0);
  });
});
