// Unit tests on generated traffic: a sensitive field that first appears after its profile stopped learning (the
// fast path) is found within a bounded number of that profile's calls — the current period of periodic full scans,
// at most `maxSampleEvery` (1024 by default) — and counted exactly from then on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTx, makeCall } from '../../fixtures/transaction.fixture.ts';
import { SensitiveAnalyzer, type SensitiveAnalyzerOptions } from '../../../appliance/src/analyzers/sensitive/sensitive.analyzer.ts';
import { DEFAULT_LEARNING } from '../../../appliance/src/analyzers/sensitive/field-profile.learner.ts';
import { SeededRandom } from '../../../scripts/traffic/seeded.random.ts';
import { iban } from '../../../scripts/traffic/sensitive/sensitive-values.generator.ts';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

/**
 * One profile (`PUT /api/v3/members/detail`, host-independent) served by host A with e-mails only for `before`
 * calls, then by host B whose members also carry an IBAN. Returns the call index (from the first IBAN call) at which
 * the IBAN field was first aggregated, and the records of the calls from then on in `fast` and in a reference
 * analyzer that scans every late call fully.
 */
function lateIban(opts: SensitiveAnalyzerOptions, before: number, after: number, seed: number): { foundAfter: number; fastRecords: number; fullRecords: number } {
  const rng = new SeededRandom(seed);
  const fast = new SensitiveAnalyzer(opts);
  const full = new SensitiveAnalyzer({ learning: false });
  let foundAfter = -1;
  let fastRecords = 0;
  let fullRecords = 0;
  for (let i = 0; i < before + after; i++) {
    const late = i >= before;
    const members = Array.from({ length: rng.int(1, 4) }, (_, k) => ({
      id: rng.int(1, 99999),
      email: `member${rng.int(1, 99999)}.${k}@example.com`,
      ...(late ? { iban: iban(rng) } : {}),
    }));
    const spec = {
      method: 'PUT',
      target: '/api/v3/members/detail',
      host: late ? 'b.example.com' : 'a.example.com',
      clientIp: `10.0.${i % 7}.${i % 13}`,
      startTs: 1_700_000_000_000_000 + i * 1_000_000,
      requestHeaders: [['Authorization', `Bearer ${JWT}`]] as [string, string][],
      responseType: 'application/json',
      responseBody: JSON.stringify({ data: members }),
    };
    const fc = makeCall(makeTx(spec));
    fast.onCall(fc);
    if (!late) continue;
    const rc = makeCall(makeTx(spec));
    full.onCall(rc);
    if (foundAfter < 0 && fc.sensitive.some((h) => h.type === 'iban' && h.field === 'data[].iban')) foundAfter = i - before;
    if (foundAfter >= 0) {
      fastRecords += fc.sensitiveRecords ?? 0;
      fullRecords += rc.sensitiveRecords ?? 0;
    }
  }
  return { foundAfter, fastRecords, fullRecords };
}

test('default learning: a field appearing after the profile is stable is found within maxSampleEvery calls, then counted exactly', () => {
  // 2100 calls first: the period has backed off to its cap (64, 128, ..., 1024), the worst case
  for (const seed of [1, 2]) {
    const r = lateIban({}, 2100, DEFAULT_LEARNING.maxSampleEvery + 200, seed);
    assert.ok(r.foundAfter >= 0 && r.foundAfter < DEFAULT_LEARNING.maxSampleEvery, `seed ${seed}: found after ${r.foundAfter} calls`);
    assert.ok(r.fullRecords > 0);
    assert.equal(r.fastRecords, r.fullRecords, `seed ${seed}: records from the discovery on`);
  }
});

test('the bound is the maxSampleEvery setting: 64 finds the late field within 64 calls', () => {
  const learning = { maxSampleEvery: 64 };
  for (const seed of [4, 5]) {
    const r = lateIban({ learning }, 1000, 100, seed);
    assert.ok(r.foundAfter >= 0 && r.foundAfter < 64, `seed ${seed}: found after ${r.foundAfter} calls`);
    assert.equal(r.fastRecords, r.fullRecords);
  }
});
