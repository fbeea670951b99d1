/**
 * The scheduler of the jobs table. Live, each job is a node-cron 4 task in the appliance's time zone; in tests the
 * same jobs are driven by `tick(now)`, which runs every job whose cron fired between the last tick and `now` (the
 * clock repository moves time, nothing waits). Every run is recorded; a job never overlaps itself (a tick that finds
 * the previous run still going is recorded as skipped); runs left `running` by a crash are marked interrupted when
 * the scheduler is built; "run now" starts a manual run.
 */
import { createTask, type ScheduledTask } from 'node-cron';
import type { Clock } from '../store/clock.repository.ts';
import type { JobsRepository } from '../store/sqlite/jobs.repository.ts';
import type { JobRun, JobRunsRepository, JobTrigger } from '../store/sqlite/job-runs.repository.ts';
import { compileCron, type CronMatcher } from './cron.matcher.ts';
import type { Job } from './job.types.ts';

/** A job as listed by the API. */
export interface JobView {
  name: string;
  cron: string;
  description: string;
  enabled: boolean;
  running: boolean;
  lastRun: JobRun | null;
  /** Next fire time within the coming 40 days (epoch ms), null when none. */
  nextRunAt: number | null;
}

/** What a call to run a job did. */
export interface RunOutcome {
  runId: number;
  status: 'succeeded' | 'failed' | 'skipped';
  message: string;
}

/** Longest span one tick catches up on (a long downtime does not replay weeks of ticks). */
export const MAX_CATCH_UP_MS = 24 * 3600_000;

/** Runs the jobs table. */
export class JobScheduler {
  private readonly jobs = new Map<string, { job: Job; cron: CronMatcher }>();
  private readonly running = new Map<string, Promise<RunOutcome>>();
  private tasks: ScheduledTask[] = [];

  constructor(
    jobs: readonly Job[],
    private readonly state: JobsRepository,
    private readonly runs: JobRunsRepository,
    private readonly clock: Clock,
    private timeZone: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    for (const job of jobs) {
      if (this.jobs.has(job.name)) throw new RangeError(`two jobs named ${job.name}`);
      this.jobs.set(job.name, { job, cron: compileCron(job.cron) });
    }
    const now = clock.now();
    const interrupted = runs.markInterrupted(now);
    if (interrupted > 0) this.log(`jobs: ${interrupted} run(s) interrupted by the last stop`);
    for (const name of this.jobs.keys()) state.ensure(name, now);
  }

  /** The time zone the jobs' cron expressions are read in. */
  get zone(): string {
    return this.timeZone;
  }

  /**
   * Reads the cron expressions in another time zone from now on (the appliance's time zone was changed in
   * settings): live tasks are re-created in it; runs in progress go on.
   */
  async setTimeZone(timeZone: string): Promise<void> {
    if (timeZone === this.timeZone) return;
    this.timeZone = timeZone;
    if (this.tasks.length === 0) return;
    await this.stopTasks();
    this.start();
    this.log(`jobs: schedules now in ${timeZone}`);
  }

  /** Starts the live node-cron tasks (one per job, in the appliance's time zone). */
  start(): void {
    if (this.tasks.length > 0) return;
    for (const { job } of this.jobs.values()) {
      const task = createTask(job.cron, async () => {
        if (this.state.get(job.name)?.enabled === false) return;
        await this.fire(job.name, this.clock.now());
      }, { name: job.name, timezone: this.timeZone });
      void task.start();
      this.tasks.push(task);
    }
  }

  /** Stops the live tasks and waits for runs in progress. */
  async stop(): Promise<void> {
    await this.stopTasks();
    await Promise.allSettled([...this.running.values()]);
  }

  private async stopTasks(): Promise<void> {
    const tasks = this.tasks;
    this.tasks = [];
    await Promise.all(tasks.map(async (t) => {
      await t.stop();
      await t.destroy();
    }));
  }

  /**
   * Runs every enabled job whose cron fired in (last tick, now] (at most {@link MAX_CATCH_UP_MS} back; each job once
   * per tick however many times it fired) and waits for them. Returns what each started job did.
   */
  async tick(now: number = this.clock.now()): Promise<Map<string, RunOutcome>> {
    const started: Array<[string, Promise<RunOutcome>]> = [];
    for (const { job, cron } of this.jobs.values()) {
      const st = this.state.get(job.name) ?? this.state.ensure(job.name, now);
      const from = Math.max(st.checkedUntil ?? now, now - MAX_CATCH_UP_MS);
      this.state.setCheckedUntil(job.name, now);
      if (!st.enabled || cron.firesBetween(from, now, this.timeZone, 1).length === 0) continue;
      started.push([job.name, this.fire(job.name, now)]);
    }
    const out = new Map<string, RunOutcome>();
    for (const [name, p] of started) out.set(name, await p);
    return out;
  }

  /** Starts a manual run of `name` now and waits for it; undefined when no such job. */
  async runNow(name: string): Promise<RunOutcome | undefined> {
    if (!this.jobs.has(name)) return undefined;
    return this.start1(name, this.clock.now(), 'manual');
  }

  /** Whether `name` is a job of the table. */
  has(name: string): boolean {
    return this.jobs.has(name);
  }

  /** Enables or disables a job; false when unknown. */
  setEnabled(name: string, enabled: boolean): boolean {
    return this.jobs.has(name) && this.state.setEnabled(name, enabled);
  }

  /** The jobs with their state. */
  list(): JobView[] {
    const now = this.clock.now();
    return [...this.jobs.values()].map(({ job, cron }) => {
      const next = cron.firesBetween(now, now + 40 * 24 * 3600_000, this.timeZone, 1);
      return {
        name: job.name,
        cron: job.cron,
        description: job.description,
        enabled: this.state.get(job.name)?.enabled ?? true,
        running: this.running.has(job.name),
        lastRun: this.runs.latest(job.name) ?? null,
        nextRunAt: next[0] ?? null,
      };
    });
  }

  /** Recorded runs of `name` (or of all jobs), newest first. */
  history(name: string | undefined, limit = 100): JobRun[] {
    return this.runs.list(name, limit);
  }

  private fire(name: string, now: number): Promise<RunOutcome> {
    return this.start1(name, now, 'schedule');
  }

  private start1(name: string, now: number, trigger: JobTrigger): Promise<RunOutcome> {
    const current = this.running.get(name);
    if (current !== undefined) {
      const runId = this.runs.skipped(name, trigger, now, 'the previous run was still going');
      this.log(`jobs: ${name} skipped (previous run still going)`);
      return Promise.resolve({ runId, status: 'skipped', message: 'the previous run was still going' });
    }
    const { job } = this.jobs.get(name)!;
    const runId = this.runs.start(name, trigger, now);
    const p = (async (): Promise<RunOutcome> => {
      await Promise.resolve(); // registered as running before the job's first line runs
      try {
        const result = await job.run({ now, trigger });
        const message = typeof result === 'string' ? result : result.text;
        this.runs.finish(runId, 'succeeded', this.clock.now(), message, typeof result === 'string' ? null : { code: result.code, params: result.params });
        return { runId, status: 'succeeded', message };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.runs.finish(runId, 'failed', this.clock.now(), message);
        this.log(`jobs: ${name} failed: ${message}`);
        return { runId, status: 'failed', message };
      } finally {
        this.running.delete(name);
      }
    })();
    this.running.set(name, p);
    return p;
  }
}
