/** The contract of a scheduled job: one file per job under appliance/src/jobs/, each a {@link Job}. */

/** What a run receives. */
export interface JobContext {
  /** The instant the run was due or requested (epoch ms, from the scheduler's clock). */
  now: number;
  /** How it was started. */
  trigger: 'schedule' | 'manual';
}

/**
 * What a run did: `text` for the run record and logs (English), and the same as a message `code` (the UI catalogue's
 * `job.msg.<code>`) with its `params`, so the UI says it in its language.
 */
export interface JobResult {
  text: string;
  code: string;
  params: Record<string, string | number>;
}

/** A {@link JobResult} whose text is `text`. */
export function jobResult(code: string, params: Record<string, string | number>, text: string): JobResult {
  return { text, code, params };
}

/** One job of the jobs table. */
export interface Job {
  /** Stable name (kebab-case), the key of its runs. */
  name: string;
  /** Cron expression (minute resolution) in the appliance's time zone. */
  cron: string;
  /** One line for the jobs list. */
  description: string;
  /** Does the work; resolves with what it did (a result, or a plain message), rejects on failure. */
  run(ctx: JobContext): Promise<string | JobResult>;
}
