/** The jobs table: every job the scheduler runs (only jobs that do real work are listed). */
import type { JobRunsRepository } from '../store/sqlite/job-runs.repository.ts';
import type { ReportsService } from '../reports/reports.service.ts';
import type { Job } from './job.types.ts';
import { reportDeliveryJob } from './report-delivery.job.ts';
import { historyRetentionJob } from './retention.job.ts';
import { callLogRetentionJob } from './call-log-retention.job.ts';
import { inventoryLifecycleJob } from './inventory-lifecycle.job.ts';
import { blocklistExpiryJob } from './blocklist-expiry.job.ts';
import type { BlocklistService } from '../blocklist/blocklist.service.ts';
import type { NotifierChannelsService } from '../notifiers/notifier-channels.service.ts';
import type { RetentionService } from '../services/retention.service.ts';
import type { InventoryService } from '../services/inventory.service.ts';
import type { RiskService } from '../services/risk.service.ts';
import { riskRescoringJob } from './risk-rescoring.job.ts';
import { rollupsJob } from './rollups.job.ts';
import { alertRetryJob } from './alert-retry.job.ts';
import type { CallEventStore } from '../store/events/call-event.types.ts';

/** What the jobs need. */
export interface JobsTableDeps {
  reports: ReportsService;
  jobRuns: JobRunsRepository;
  /** Days of job and report history to keep. */
  historyDays?: () => number;
  /** Call-log retention (omitted in tests of the reports alone). */
  callLogRetention?: Pick<RetentionService, 'run'>;
  /** The stored inventory's lifecycle pass. */
  inventory?: Pick<InventoryService, 'runLifecycle'>;
  /** Block-list expiry and delivery-record pruning. */
  blocklist?: { list: Pick<BlocklistService, 'expire'>; channels: Pick<NotifierChannelsService, 'pruneDeliveries'> };
  /** Notification channels whose failed deliveries are retried automatically. */
  alertRetry?: Pick<NotifierChannelsService, 'retryDue'>;
  /** Endpoint risk re-scoring. */
  risk?: Pick<RiskService, 'rescore' | 'pruneHistory'>;
  /** The call log whose hourly rollups the rollups job keeps up. */
  rollups?: Pick<CallEventStore, 'rollUpHours'>;
}

/** The jobs of the appliance. */
export function jobsTable(d: JobsTableDeps): Job[] {
  const jobs = [reportDeliveryJob(d.reports), historyRetentionJob(d.jobRuns, d.reports, d.historyDays)];
  if (d.callLogRetention !== undefined) jobs.push(callLogRetentionJob(d.callLogRetention));
  if (d.inventory !== undefined) jobs.push(inventoryLifecycleJob(d.inventory));
  if (d.blocklist !== undefined) jobs.push(blocklistExpiryJob(d.blocklist.list, d.blocklist.channels));
  if (d.risk !== undefined) jobs.push(riskRescoringJob(d.risk));
  if (d.rollups !== undefined) jobs.push(rollupsJob(d.rollups));
  if (d.alertRetry !== undefined) jobs.push(alertRetryJob(d.alertRetry));
  return jobs;
}
