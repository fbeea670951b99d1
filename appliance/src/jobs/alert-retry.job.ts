/**
 * Job: every minute, send failed alert deliveries again when their next automatic retry is due (1 min, 5 min, 30 min
 * after each failure), so a receiver that was down for a while still gets the alerts it missed.
 */
import type { NotifierChannelsService } from '../notifiers/notifier-channels.service.ts';
import { jobResult, type Job } from './job.types.ts';

/** The alert retry job. */
export function alertRetryJob(channels: Pick<NotifierChannelsService, 'retryDue'>): Job {
  return {
    name: 'alert-retry',
    cron: '* * * * *',
    description: 'Sends failed alert deliveries again after 1, 5 and 30 minutes',
    async run() {
      const r = await channels.retryDue();
      return r.retried === 0
        ? jobResult('alertRetry.none', {}, 'no failed delivery due for a retry')
        : jobResult('alertRetry', { retried: r.retried, sent: r.sent, failed: r.failed }, `${r.retried} deliveries retried: ${r.sent} sent, ${r.failed} failed again`);
    },
  };
}
