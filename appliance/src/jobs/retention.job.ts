/** Job: every night, delete job runs and finished report runs (with their HTML and PDF files) older than the retention. */
import type { JobRunsRepository } from '../store/sqlite/job-runs.repository.ts';
import type { ReportsService } from '../reports/reports.service.ts';
import { jobResult, type Job } from './job.types.ts';

/** Default days job runs and report runs are kept. */
export const DEFAULT_HISTORY_RETENTION_DAYS = 180;

/** The history-retention job; `days` is read at each run so a settings change applies at once. */
export function historyRetentionJob(jobRuns: Pick<JobRunsRepository, 'deleteOlderThan'>, reports: Pick<ReportsService, 'deleteRunsBefore'>, days: () => number = () => DEFAULT_HISTORY_RETENTION_DAYS): Job {
  return {
    name: 'history-retention',
    cron: '17 3 * * *',
    description: 'Deletes job runs and report runs (and their files) older than the retention period',
    async run(ctx) {
      const n = Math.max(1, Math.floor(days()));
      const before = ctx.now - n * 24 * 3600_000;
      const deletedJobRuns = jobRuns.deleteOlderThan(before);
      const reportRuns = reports.deleteRunsBefore(before);
      return jobResult('retention', { days: n, jobRuns: deletedJobRuns, reportRuns }, `kept ${n} days: deleted ${deletedJobRuns} job runs and ${reportRuns} report runs`);
    },
  };
}
