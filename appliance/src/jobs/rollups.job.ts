/**
 * Job: every hour, roll the call log's minute rollups up into hourly rollups for the hours that completed or that
 * received calls since the last run (uploads of older captures), so charts over days and weeks read hourly rows.
 */
import type { CallEventStore } from '../store/events/call-event.types.ts';
import { jobResult, type Job } from './job.types.ts';

/** The rollups job. */
export function rollupsJob(callLog: Pick<CallEventStore, 'rollUpHours'>): Job {
  return {
    name: 'rollups',
    cron: '2 * * * *',
    description: 'Rolls minute rollups of the call log up into hourly rollups for completed hours',
    async run(ctx) {
      const r = await callLog.rollUpHours(ctx.now * 1000);
      const until = new Date(r.rolledUntilUs / 1000).toISOString();
      return jobResult('rollups', { hours: r.hours, rows: r.rows, until }, `${r.hours} hours rolled up (${r.rows} rows); hourly rollups complete until ${until}`);
    },
  };
}
