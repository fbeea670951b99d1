/**
 * The exposure analyzer: runs the exposure checks on every call after identity, inventory and sensitive, and
 * attaches their detections (mostly endpoint-scoped) for the findings aggregator.
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext, Detection } from '../call.context.ts';
import { checkCors, checkJwt, checkPlaintextCredentials, checkSecurityHeaders, checkVerboseError } from './exposure.checks.ts';
import { resolveExposureSettings, type ExposureSettings } from './exposure.settings.ts';

/** Runs the exposure checks. */
export class ExposureAnalyzer implements Analyzer {
  readonly id = 'exposure';
  readonly settings: ExposureSettings;
  private readonly out: Detection[] = [];

  constructor(settings: Partial<ExposureSettings> = {}) {
    this.settings = resolveExposureSettings(settings);
  }

  onCall(call: CallContext): void {
    const out = this.out;
    out.length = 0;
    const s = this.settings;
    try {
      checkPlaintextCredentials(call, s, out);
      checkJwt(call, s, out, Math.floor(call.tx.startTs / 1e6));
      checkVerboseError(call, s, out);
      checkCors(call, out);
      checkSecurityHeaders(call, out);
    } catch {
      // Hostile content must never stop the pipeline.
    }
    for (let i = 0; i < out.length; i++) call.detections.push(out[i]);
  }

  contribute(_report: AnalysisReport): void {
    // Exposure detections reach the report through the findings aggregator.
  }
}
