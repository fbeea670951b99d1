/**
 * `npm run score:sensitive`: generates sensitive-data traffic the analyzer has never seen (a fresh seed), writes it
 * as a real capture, runs `analyzeCaptureFile` on it and scores per-endpoint sensitive-type detection against the
 * ground truth (F1, per type, per placement, decoys flagged). Exits 1 below F1 0.95 or when a decoy is flagged.
 *
 * Usage: npm run score:sensitive [-- --seed N] [--seeds K] [--endpoints N] [--calls C] [--json]
 * (with `--calls` ≥ 20 most calls of an endpoint take the analyzer's learned fast path)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCaptureFile } from '../../appliance/src/analysis/offline-analysis.service.ts';
import { writeScenarioCapture } from '../traffic/scenario.catalog.ts';
import { buildSensitiveScenario } from '../traffic/sensitive/sensitive.scenario.ts';
import { scoreSensitive, type SensitiveScore } from '../traffic/sensitive/sensitive.scoring.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

async function main(): Promise<void> {
  const first = arg('--seed', Date.now() % 1_000_000);
  const seeds = arg('--seeds', 3);
  const endpoints = arg('--endpoints', 40);
  const calls = arg('--calls', 3);
  const dir = mkdtempSync(join(tmpdir(), 'sensitive-score-'));
  let fail = false;
  const results: Array<{ seed: number; score: SensitiveScore }> = [];
  try {
    for (let s = 0; s < seeds; s++) {
      const seed = first + s;
      const { scenario, truth } = buildSensitiveScenario(seed, { endpoints, callsPerEndpoint: calls });
      const file = join(dir, `sensitive-${seed}.pcap`);
      writeScenarioCapture(file, scenario, { format: 'pcap' });
      const report = await analyzeCaptureFile(file);
      const score = scoreSensitive(report, truth);
      results.push({ seed, score });
      if (score.f1 < 0.95 || score.decoysFlagged.length > 0) fail = true;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else {
    for (const { seed, score } of results) {
      console.log(`seed ${seed}: F1 ${score.f1.toFixed(4)} (precision ${score.precision.toFixed(4)}, recall ${score.recall.toFixed(4)}; tp ${score.tp}, fp ${score.fp}, fn ${score.fn}); decoys flagged: ${score.decoysFlagged.length}`);
      console.log('  placements: ' + Object.entries(score.byPlacement).map(([p, c]) => `${p} ${c.found}/${c.placed}`).join(', '));
      for (const e of score.errors.slice(0, 20)) console.log(`  ${e}`);
      for (const d of score.decoysFlagged) console.log(`  decoy flagged: ${d}`);
    }
  }
  process.exit(fail ? 1 : 0);
}

await main();
