/**
 * Job: every hour, re-score every stored endpoint from the latest traffic factors and the findings still open, so
 * finding status changes (resolved, false positive) and findings from other sources reach the scores, and record
 * the moves for the reports' risk movers. Old score history is pruned in the same run.
 */
import type { RiskService } from '../services/risk.service.ts';
import { jobResult, type Job } from './job.types.ts';

/** The risk re-scoring job. */
export function riskRescoringJob(risk: Pick<RiskService, 'rescore' | 'pruneHistory'>): Job {
  return {
    name: 'risk-rescoring',
    cron: '41 * * * *',
    description: 'Re-scores endpoint risk from traffic factors and open findings; keeps the score history for risk movers',
    async run() {
      const r = risk.rescore();
      const pruned = risk.pruneHistory();
      return jobResult('riskRescoring', { scored: r.scored, changed: r.changed, pruned }, `re-scored ${r.scored} endpoints, ${r.changed} changed${pruned > 0 ? `; ${pruned} old history rows removed` : ''}`);
    },
  };
}
