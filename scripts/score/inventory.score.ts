/**
 * `npm run score:inventory`: endpoint discovery on traffic the templater has not been tuned on — the project's own API
 * styles (generated with several seeds) and, when `../shared/corpora/openapi` is present, traffic generated from the
 * real OpenAPI specs there. Prints precision, recall and F1 with parameter names ignored, and static siblings merged
 * into parameters (target: F1 ≥ 0.97, zero merges). Usage: npm run score:inventory [-- --seeds 3] [--calls 40]
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCaptureFile } from '../../appliance/src/analysis/offline-analysis.service.ts';
import { IdentityAnalyzer } from '../../appliance/src/analyzers/identity/identity.analyzer.ts';
import { InventoryAnalyzer } from '../../appliance/src/analyzers/inventory/inventory.analyzer.ts';
import { loadSpec, type DeclaredSpec } from '../../appliance/src/specs/spec.loader.ts';
import { writeScenarioCapture } from '../traffic/scenario.catalog.ts';
import { generateInventoryScenario } from '../traffic/inventory/inventory.scenario.ts';
import { scoreInventory, type InventoryScore } from '../traffic/inventory/inventory.scoring.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpora/openapi/', import.meta.url));

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

/** Loads the corpus specs (empty when the corpus is absent). */
export async function corpusSpecs(): Promise<DeclaredSpec[]> {
  if (!existsSync(CORPUS)) return [];
  const out: DeclaredSpec[] = [];
  for (const f of readdirSync(CORPUS).sort()) if (/\.(ya?ml|json)$/.test(f)) out.push(await loadSpec(readFileSync(join(CORPUS, f), 'utf8')));
  return out;
}

/** Generates, captures, analyses and scores one seed. */
export async function scoreSeed(seed: number, specs: DeclaredSpec[], callsPerTemplate: number): Promise<InventoryScore> {
  const { scenario, truth } = generateInventoryScenario(seed, { specs, callsPerTemplate });
  const dir = mkdtempSync(join(tmpdir(), 'inv-score-'));
  try {
    const file = join(dir, 'styles.pcap');
    writeScenarioCapture(file, scenario, { format: 'pcap' });
    const report = await analyzeCaptureFile(file, { analyzers: [new IdentityAnalyzer(), new InventoryAnalyzer()] });
    return scoreInventory(truth, report.endpoints);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const seeds = arg('seeds', 3);
  const calls = arg('calls', 40);
  const specs = await corpusSpecs();
  if (specs.length === 0) process.stderr.write(`corpus specs not found at ${CORPUS}: scoring the project's own API styles only\n`);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  for (const [label, set] of [['own API styles', [] as DeclaredSpec[]], ['own styles + corpus specs', specs]] as const) {
    if (label !== 'own API styles' && set.length === 0) continue;
    let worst: InventoryScore | null = null;
    for (let s = 1; s <= seeds; s++) {
      const r = await scoreSeed(1000 + s, [...set], calls);
      process.stdout.write(`${label}, seed ${1000 + s}: ${r.correct}/${r.truth} templates, precision ${pct(r.precision)}, recall ${pct(r.recall)}, F1 ${r.f1.toFixed(3)}, static siblings merged ${r.staticMerged.length}\n`);
      if (worst === null || r.f1 < worst.f1) worst = r;
    }
    if (worst !== null && (worst.missed.length > 0 || worst.spurious.length > 0)) {
      process.stdout.write(`  worst seed: missed ${worst.missed.slice(0, 15).join(' | ')}\n  spurious ${worst.spurious.slice(0, 15).join(' | ')}\n`);
    }
  }
  process.stdout.write('Target: F1 ≥ 0.97 with parameter names ignored, zero static siblings merged.\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
