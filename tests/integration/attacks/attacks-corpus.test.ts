// Integration test of the attack analyzer on real traffic: recall floors per family on the OWASP CRS regression
// corpus (skipped with a message when ../shared/corpora is absent), no detection on generated benign traffic
// (Chinese text, JSON, PUT) and on the traffic-generator scenarios run through the engine, and attack findings
// from a real capture through `analyzeCaptureFile` with the default analyzers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreBenign, scoreCorpus, scenarioTransactions } from '../../../scripts/score/attacks.score.ts';
import { benignTransactions, crsTransaction, hardBenignTransactions, loadCrsRows, CRS_CORPUS } from '../../../scripts/score/attacks.traffic.ts';
import { AttacksAnalyzer } from '../../../appliance/src/analyzers/attacks/attacks.analyzer.ts';
import { defaultAttackDetectors } from '../../../appliance/src/analyzers/attacks/detector.registry.ts';
import type { Transaction } from '../../../appliance/src/engine/transaction.types.ts';
import type { CallContext } from '../../../appliance/src/analyzers/call.context.ts';
import { analyzeCaptureFile } from '../../../appliance/src/analysis/offline-analysis.service.ts';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';

/**
 * Recall floors per family, a little under what the detector measures today (see docs/attacks.md), so a
 * regression fails the build. The target is 0.9 in every family; families below it are listed there.
 */
const FLOORS: Readonly<Record<string, number>> = {
  sqli: 0.92,
  xss: 0.93,
  path_traversal: 0.89,
  command_injection: 0.9,
  ssrf: 0.94,
  ssti: 0.9,
  scanner: 0.9,
};

const rows = loadCrsRows();

test('CRS corpus: recall per family is at least its floor', { skip: rows === null ? `CRS corpus not found at ${CRS_CORPUS}` : false }, () => {
  const { recall } = scoreCorpus(rows!);
  const by = new Map(recall.map((r) => [r.family, r]));
  for (const [family, floor] of Object.entries(FLOORS)) {
    const r = by.get(family);
    assert.ok(r !== undefined && r.total > 0, `no ${family} rows in the corpus`);
    assert.ok(r.found / r.total >= floor, `${family}: recall ${(r.found / r.total).toFixed(3)} below floor ${floor} (${r.found}/${r.total})`);
  }
  // SQLi rules were last tuned on the even-test-id half only: the held-out half keeps the 90 %.
  const sqli = by.get('sqli')!;
  assert.ok(sqli.heldFound / sqli.heldTotal >= 0.9, `sqli held-out recall ${sqli.heldFound}/${sqli.heldTotal}`);
});

/** Detection rules of `tx`, sorted. */
function rules(a: AttacksAnalyzer, tx: Transaction): string {
  const call: CallContext = { tx, host: tx.host, auth: null, endpoint: null, sensitive: [], detections: [] };
  a.onCall(call);
  return call.detections.map((d) => d.rule).sort().join(',');
}

test('CRS corpus: the pre-filter changes no detection on any row', { skip: rows === null ? `CRS corpus not found at ${CRS_CORPUS}` : false }, () => {
  const filtered = new AttacksAnalyzer();
  const plain = new AttacksAnalyzer({}, defaultAttackDetectors().map((d) => ({ ...d, triggers: undefined })));
  for (const row of rows!) {
    const tx = crsTransaction(row);
    assert.equal(rules(filtered, tx), rules(plain, tx), `${row.rule_id}/${row.test_id}`);
  }
});

test('benign traffic: no false positives on generated API calls and engine scenarios, none on Chinese text', async () => {
  const txs = [...benignTransactions(424242, 10000), ...hardBenignTransactions(424243, 5000), ...(await scenarioTransactions())];
  const b = scoreBenign(txs);
  assert.ok(b.calls > 10000);
  assert.equal(b.chineseFlagged, 0, b.examples.join('\n'));
  assert.ok(b.flagged / b.calls < 0.001, `false-positive rate ${b.flagged}/${b.calls}:\n${b.examples.join('\n')}`);
});

test('a capture with hostile payloads yields graded attack findings through the default analyzers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attacks-it-'));
  try {
    const file = join(dir, 'xss.pcap');
    writeScenarioCapture(file, generateScenario('xss-payloads', 3), { format: 'pcap' });
    const report = await analyzeCaptureFile(file);
    const attacks = report.findings.filter((f) => f.category === 'attack');
    const xss = attacks.filter((f) => f.type === 'xss');
    assert.ok(xss.length > 0, JSON.stringify(report.findings.map((f) => f.type)));
    for (const f of attacks) {
      assert.ok(f.outcome === 'attempt' || f.outcome === 'likely_success' || f.outcome === 'unknown');
      assert.match(f.evidence, /\(rule [a-z_]+\.[a-z_]+\)/);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u001f]/.test(f.evidence));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
