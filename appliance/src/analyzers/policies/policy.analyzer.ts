/**
 * The policy analyzer: applies the user's policies (policies/policy.engine.ts) to every call after the detecting
 * analyzers and before the findings aggregation, so suppress rules remove detections before they become findings
 * and raise rules add their own. Notify and block actions leave through the engine's action callback.
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext } from '../call.context.ts';
import type { PolicyEngine } from '../../policies/policy.engine.ts';

/** Runs the policy engine on each call. */
export class PolicyAnalyzer implements Analyzer {
  readonly id = 'policies';

  constructor(private readonly engine: PolicyEngine) {}

  onCall(call: CallContext): void {
    if (this.engine.size > 0) this.engine.evaluate(call);
  }

  contribute(_report: AnalysisReport): void {
    // Policy findings reach the report through the findings analyzer.
  }
}
