/** The jobs table: every job the scheduler runs (only jobs that do real work are listed). */
import type { JobRunsRepository } from '../store/sqlite/job-runs.repository.ts';
import type { ReportsService } from '../reports/reports.service.ts';
import type { Job } from './job.types.ts';
import { reportDeliveryJob } from './report-delivery.job.ts';
import { historyRetentionJob } from './retention.job.ts';

/** What the jobs need. */
export interface JobsTableDeps {
  reports: ReportsService;
  jobRuns: JobRunsRepository;
  /** Days of job and report history to keep. */
  historyDays?: () => number;
}

/** The jobs of the appliance. */
export function jobsTable(d: JobsTableDeps): Job[] {
  return [reportDeliveryJob(d.reports), historyRetentionJob(d.jobRuns, d.reports, d.historyDays)];
}
