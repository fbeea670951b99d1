/** Job: every hour, apply the retention settings to the call log (age first, then the disk budget). */
import type { RetentionService } from '../services/retention.service.ts';
import { jobResult, type Job } from './job.types.ts';

/** The call-log retention job. */
export function callLogRetentionJob(retention: Pick<RetentionService, 'run'>): Job {
  return {
    name: 'call-log-retention',
    cron: '7 * * * *',
    description: 'Deletes calls older than the retention days, then the oldest calls over the disk budget',
    async run() {
      const r = await retention.run();
      const mib = Math.round(r.bytesAfter / 2 ** 20);
      return jobResult('callLogRetention', { byAge: r.deletedByAge, byBudget: r.deletedByBudget, mib }, `deleted ${r.deletedByAge} calls past the age limit and ${r.deletedByBudget} over the disk budget; ${mib} MiB in use`);
    },
  };
}
