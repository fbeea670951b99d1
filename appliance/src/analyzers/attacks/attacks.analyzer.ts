/**
 * The attack detection analyzer: scans every part of each request with the attack detectors (see
 * attack.scanner.ts), grades each hit by the response (attack.grader.ts) and adds one Detection per family with
 * category `attack`, the outcome, a severity and masked evidence. Calls without attacks feed the per-endpoint
 * response size baseline. It contributes nothing to the report itself: the findings analyzer aggregates its
 * detections.
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext } from '../call.context.ts';
import { AttackScanner } from './attack.scanner.ts';
import type { AttackDetector } from './attack.types.ts';
import { evidenceText } from './attack.evidence.ts';
import { AttackGrader } from './attack.grader.ts';
import { defaultAttackDetectors } from './detector.registry.ts';
import { resolveAttackSettings, type AttackSettings } from './attacks.settings.ts';

/** Detects attacks in requests and grades them by the response. */
export class AttacksAnalyzer implements Analyzer {
  readonly id = 'attacks';
  readonly settings: AttackSettings;
  private readonly scanner: AttackScanner;
  private readonly grader: AttackGrader;
  /** Calls with at least one attack detection. */
  attackCalls = 0;

  constructor(settings: Partial<AttackSettings> = {}, detectors: AttackDetector[] = defaultAttackDetectors()) {
    this.settings = resolveAttackSettings(settings);
    this.scanner = new AttackScanner(detectors, this.settings);
    this.grader = new AttackGrader(this.settings);
  }

  onCall(call: CallContext): void {
    const matches = this.scanner.scan(call.tx);
    if (matches.length === 0) {
      this.grader.learn(call);
      return;
    }
    this.attackCalls++;
    const rb = call.tx.responseBody;
    const body = rb === null || rb.data.length === 0 ? '' : rb.data.toString('latin1', 0, Math.min(rb.data.length, this.settings.maxResponseBytes)).toLowerCase();
    for (const m of matches) {
      const g = this.grader.grade(call, m, body);
      call.detections.push({
        type: m.family,
        category: 'attack',
        severity: g.severity,
        evidence: evidenceText(m, g.reason),
        outcome: g.outcome,
        rule: m.rule,
      });
    }
  }

  contribute(_report: AnalysisReport): void {
    // Findings are aggregated from the detections by the findings analyzer.
  }
}
