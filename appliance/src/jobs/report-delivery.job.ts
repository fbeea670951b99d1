/** Job: every minute, retry due report deliveries and send the reports of due schedules. */
import type { ReportsService } from '../reports/reports.service.ts';
import { jobResult, type Job } from './job.types.ts';

/** The report-delivery job over `reports`. */
export function reportDeliveryJob(reports: Pick<ReportsService, 'deliverDue'>): Job {
  return {
    name: 'report-delivery',
    cron: '* * * * *',
    description: 'Sends scheduled email reports that are due and retries failed deliveries',
    async run(ctx) {
      const s = await reports.deliverDue(ctx.now);
      return jobResult('reportDelivery', { sent: s.sent, retrying: s.retrying, failed: s.failed }, `${s.sent} sent, ${s.retrying} to retry, ${s.failed} failed`);
    },
  };
}
