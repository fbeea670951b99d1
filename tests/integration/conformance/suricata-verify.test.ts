// Conformance of the HTTP engine with Suricata's expectations in the public suricata-verify corpus: every case whose
// test.yaml expects event_type http records is run through the real engine and its transactions are compared with
// those checks (see docs/conformance.md). Skips when the corpus (../shared/corpora, outside the repository) is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXPLAINED_DIFFERENCES, KNOWN_ENGINE_DEFECTS, formatSummary, formatTable, loadCases, locateCorpus } from '../../../scripts/conformance/suricata-verify.compare.ts';
import { runConformance } from '../../../scripts/conformance/suricata-verify.runner.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const corpus = locateCorpus(repoRoot);

test('suricata-verify: event_type http expectations hold on our transactions', async (t) => {
  if (corpus === null) {
    t.skip('corpus ../shared/corpora/suricata-verify not found');
    return;
  }
  const run = await runConformance(corpus);
  const s = run.summary;
  console.log(`${formatTable(run.results)}\n\n${formatSummary(s)}\nelapsed: ${run.elapsedMs.toFixed(0)} ms`);

  assert.deepEqual(run.withoutPcap, [], 'every selected case has its capture');
  assert.deepEqual(s.errors, [], 'every capture is read to its end without an exception');
  assert.ok(s.inScope >= 50, `enough in-scope cases to mean something (${s.inScope})`);
  assert.ok(s.agreementPct >= 95, `agreement ${s.agreementPct.toFixed(1)}% is below 95%`);
  assert.deepEqual(s.unexplained, [], 'every disagreement is explained (difference in meaning or reported engine defect)');

  const doc = readFileSync(resolve(repoRoot, 'docs', 'conformance.md'), 'utf8');
  for (const name of [...s.explained, ...s.engineDefects]) assert.ok(doc.includes(`\`${name}\``), `docs/conformance.md explains ${name}`);
  const disagreeing = new Set(run.results.filter((r) => !r.agree).map((r) => r.name));
  for (const name of [...Object.keys(EXPLAINED_DIFFERENCES), ...Object.keys(KNOWN_ENGINE_DEFECTS)]) {
    assert.ok(disagreeing.has(name), `${name} is listed as a disagreement but now agrees: drop it from the list and the docs`);
  }
});

test('suricata-verify: test.yaml checks read by our YAML subset reader match index.json', (t) => {
  if (corpus === null) {
    t.skip('corpus ../shared/corpora/suricata-verify not found');
    return;
  }
  const cases = loadCases(corpus);
  assert.ok(cases.length >= 100, `cases with event_type http checks: ${cases.length}`);
  assert.deepEqual(
    cases.filter((c) => c.indexMismatch !== null).map((c) => `${c.name}: ${c.indexMismatch}`),
    [],
  );
});
