/** Job: every minute, drop expired block-list entries and delivery records older than 90 days. */
import type { BlocklistService } from '../blocklist/blocklist.service.ts';
import type { NotifierChannelsService } from '../notifiers/notifier-channels.service.ts';
import { jobResult, type Job } from './job.types.ts';

/** Days delivery records are kept. */
export const DELIVERY_RETENTION_DAYS = 90;

/** The block-list expiry job. */
export function blocklistExpiryJob(blocklist: Pick<BlocklistService, 'expire'>, channels: Pick<NotifierChannelsService, 'pruneDeliveries'>): Job {
  return {
    name: 'blocklist-expiry',
    cron: '* * * * *',
    description: 'Removes expired block-list entries (exports change at once) and old notification delivery records',
    async run() {
      const expired = blocklist.expire();
      const pruned = channels.pruneDeliveries(DELIVERY_RETENTION_DAYS * 86_400_000);
      return jobResult('blocklistExpiry', { expired, pruned, days: DELIVERY_RETENTION_DAYS }, `${expired} block-list entries expired, ${pruned} delivery records older than ${DELIVERY_RETENTION_DAYS} days removed`);
    },
  };
}
