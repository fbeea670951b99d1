/** The contract of a scheduled job: one file per job under appliance/src/jobs/, each a {@link Job}. */

/** What a run receives. */
export interface JobContext {
  /** The instant the run was due or requested (epoch ms, from the scheduler's clock). */
  now: number;
  /** How it was started. */
  trigger: 'schedule' | 'manual';
}

/** One job of the jobs table. */
export interface Job {
  /** Stable name (kebab-case), the key of its runs. */
  name: string;
  /** Cron expression (minute resolution) in the appliance's time zone. */
  cron: string;
  /** One line for the jobs list. */
  description: string;
  /** Does the work; resolves with a short message for the run record, rejects on failure. */
  run(ctx: JobContext): Promise<string>;
}
