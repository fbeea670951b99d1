/**
 * Scores the abuse detectors on generated abuse traffic with ground truth: writes the abuse scenario as a capture,
 * runs the offline analysis, and prints per expected pattern whether it was found on the right client, plus every
 * abuse finding on a normal client (false positives) and extra findings on attackers.
 *
 * Usage: node --import tsx scripts/score/abuse.score.ts [--seed N] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCaptureFile } from '../../appliance/src/analysis/offline-analysis.service.ts';
import type { AnalysisReport } from '../../appliance/src/analysis/analysis-report.types.ts';
import { writeScenarioCapture } from '../traffic/scenario.catalog.ts';
import { generateAbuseScenario, type AbuseScenario } from '../traffic/abuse/abuse.scenario.ts';

/** The outcome of scoring one run. */
export interface AbuseScore {
  expected: number;
  detected: number;
  missed: Array<{ type: string; client: string }>;
  falsePositives: Array<{ type: string; client: string; evidence: string }>;
  /** Abuse findings on attackers that the ground truth does not name (not errors: attackers often do several things). */
  extra: Array<{ type: string; client: string }>;
  normalClients: number;
}

/** Compares a report's abuse findings with the ground truth. */
export function scoreAbuse(report: AnalysisReport, gen: AbuseScenario): AbuseScore {
  const abuse = report.findings.filter((f) => f.category === 'abuse');
  const has = (type: string, client: string) => abuse.some((f) => f.type === type && f.client === client);
  const missed = gen.groundTruth.filter((t) => !has(t.type, t.client)).map((t) => ({ type: t.type, client: t.client }));
  const normal = new Set(gen.normalClients);
  const expectedKeys = new Set(gen.groundTruth.map((t) => `${t.type} ${t.client}`));
  return {
    expected: gen.groundTruth.length,
    detected: gen.groundTruth.length - missed.length,
    missed,
    falsePositives: abuse.filter((f) => normal.has(f.client)).map((f) => ({ type: f.type, client: f.client, evidence: f.evidence })),
    extra: abuse.filter((f) => !normal.has(f.client) && !expectedKeys.has(`${f.type} ${f.client}`)).map((f) => ({ type: f.type, client: f.client })),
    normalClients: normal.size,
  };
}

/** Generates, analyzes and scores one seed. */
export async function runAbuseScore(seed: number): Promise<{ score: AbuseScore; report: AnalysisReport; gen: AbuseScenario }> {
  const gen = generateAbuseScenario(seed);
  const dir = mkdtempSync(join(tmpdir(), 'abuse-score-'));
  try {
    const path = join(dir, 'abuse.pcap');
    writeScenarioCapture(path, gen.scenario, { format: 'pcap' });
    const report = await analyzeCaptureFile(path);
    return { score: scoreAbuse(report, gen), report, gen };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\u0000')) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
  const { score, gen } = await runAbuseScore(seed);
  if (args.includes('--json')) console.log(JSON.stringify(score, null, 2));
  else {
    console.log(`abuse score, seed ${seed}: ${score.detected}/${score.expected} patterns on the right client; ${score.falsePositives.length} findings on ${score.normalClients} normal clients`);
    for (const t of gen.groundTruth) console.log(`  ${score.missed.some((m) => m.type === t.type && m.client === t.client) ? 'MISSED' : 'found '} ${t.type.padEnd(20)} ${t.client.padEnd(15)} ${t.description}`);
    for (const f of score.falsePositives) console.log(`  FALSE POSITIVE ${f.type} on ${f.client}: ${f.evidence}`);
    for (const e of score.extra) console.log(`  extra          ${e.type} on attacker ${e.client}`);
  }
}
