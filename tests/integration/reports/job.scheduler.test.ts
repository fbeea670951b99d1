// The job scheduler on a real SQLite file: ticks driven by a ManualClock, a job never overlapping itself (the skipped
// tick is recorded), runs left `running` by a crash marked interrupted at the next start, "run now", disabled jobs,
// failures recorded with their message, and the checked-until mark surviving a restart (no double run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateDatabase, type StateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { JobsRepository } from '../../../appliance/src/store/sqlite/jobs.repository.ts';
import { JobRunsRepository } from '../../../appliance/src/store/sqlite/job-runs.repository.ts';
import { JobScheduler, MAX_CATCH_UP_MS } from '../../../appliance/src/jobs/job.scheduler.ts';
import { jobResult, type Job } from '../../../appliance/src/jobs/job.types.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0);

function world(): { dir: string; db: StateDatabase; clock: ManualClock; make(jobs: Job[]): JobScheduler; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'radar-jobs-'));
  const db = openStateDatabase(join(dir, 'state.sqlite'));
  const clock = new ManualClock(T0);
  return {
    dir, db, clock,
    make: (jobs) => new JobScheduler(jobs, new JobsRepository(db), new JobRunsRepository(db), clock, 'Asia/Shanghai'),
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('tick runs a job once per tick when its cron fired since the last tick, in the appliance time zone', async () => {
  const w = world();
  try {
    const seen: number[] = [];
    const s = w.make([{ name: 'nightly', cron: '0 2 * * *', description: 'x', run: async (ctx) => { seen.push(ctx.now); return 'ok'; } }]);
    // 02:00 Shanghai = 18:00 UTC the previous day.
    w.clock.set(Date.UTC(2026, 0, 5, 17, 59));
    assert.equal((await s.tick()).size, 0);
    w.clock.set(Date.UTC(2026, 0, 5, 18, 0));
    assert.equal((await s.tick()).get('nightly')?.status, 'succeeded');
    w.clock.advance(30 * MIN);
    assert.equal((await s.tick()).size, 0, 'fires once a day');
    assert.equal(seen.length, 1);
    const runs = s.history('nightly');
    assert.deepEqual(runs.map((r) => [r.status, r.trigger, r.message, r.summary]), [['succeeded', 'schedule', 'ok', null]], 'a plain message has no summary');
    assert.ok(runs[0].finishedAt !== null && runs[0].finishedAt >= runs[0].startedAt);
    assert.equal(s.list()[0].nextRunAt, Date.UTC(2026, 0, 6, 18, 0));
  } finally {
    w.close();
  }
});

test('a run still going makes the next tick a recorded skip; failures are recorded with their message', async () => {
  const w = world();
  try {
    let release!: () => void;
    let calls = 0;
    const slow: Job = { name: 'slow', cron: '* * * * *', description: 'x', run: () => { calls++; return new Promise((r) => { release = () => r('done'); }); } };
    const broken: Job = { name: 'broken', cron: '* * * * *', description: 'x', run: async () => { throw new Error('disk full'); } };
    const s = w.make([slow, broken]);
    w.clock.advance(MIN);
    const first = s.tick();
    await new Promise((r) => setImmediate(r));
    assert.equal(s.list().find((j) => j.name === 'slow')!.running, true);
    w.clock.advance(MIN);
    const second = await s.tick();
    assert.equal(second.get('slow')?.status, 'skipped');
    assert.equal(second.get('broken')?.status, 'failed');
    assert.equal((await s.runNow('slow'))?.status, 'skipped', 'run now does not overlap either');
    release();
    assert.equal((await first).get('slow')?.status, 'succeeded');
    assert.equal(calls, 1);
    assert.deepEqual(s.history('slow').map((r) => r.status), ['skipped', 'skipped', 'succeeded']);
    assert.deepEqual(s.history('slow')[0].summary, { code: 'skipped', params: {} });
    assert.equal(s.history('broken')[0].message, 'disk full');
    assert.equal(s.history('broken')[0].status, 'failed');
    assert.equal(s.history('broken')[0].summary, null, 'a failure keeps its error message only');
  } finally {
    w.close();
  }
});

test('a job\'s result is stored as its text and as a message code with parameters', async () => {
  const w = world();
  try {
    const job: Job = { name: 'counted', cron: '* * * * *', description: 'x', run: async () => jobResult('rollups', { hours: 2, rows: 10, until: '2026-01-05T18:00:00.000Z' }, '2 hours rolled up') };
    const s = w.make([job]);
    w.clock.advance(MIN);
    assert.equal((await s.tick()).get('counted')?.status, 'succeeded');
    const run = s.history('counted')[0];
    assert.equal(run.message, '2 hours rolled up');
    assert.deepEqual(run.summary, { code: 'rollups', params: { hours: 2, rows: 10, until: '2026-01-05T18:00:00.000Z' } });
  } finally {
    w.close();
  }
});

test('a restart marks runs left running as interrupted and resumes from the checked-until mark', async () => {
  const w = world();
  try {
    let n = 0;
    const job: Job = { name: 'hourly', cron: '0 * * * *', description: 'x', run: async () => `run ${++n}` };
    const s1 = w.make([job]);
    w.clock.set(T0 + 60 * MIN);
    await s1.tick();
    assert.equal(n, 1);
    // A crash in the middle of a run: the row stays `running`.
    new JobRunsRepository(w.db).start('hourly', 'manual', w.clock.now());
    const s2 = w.make([job]);
    assert.deepEqual(s2.history('hourly').map((r) => r.status), ['interrupted', 'succeeded']);
    assert.match(s2.history('hourly')[0].message, /stopped/);
    assert.deepEqual(s2.history('hourly')[0].summary, { code: 'interrupted', params: {} });
    await s2.tick();
    assert.equal(n, 1, 'the hour already handled before the restart does not run again');
    w.clock.advance(60 * MIN);
    await s2.tick();
    assert.equal(n, 2);
    // A long downtime catches up at most MAX_CATCH_UP_MS back, and once.
    w.clock.advance(10 * MAX_CATCH_UP_MS);
    await w.make([job]).tick();
    assert.equal(n, 3);
  } finally {
    w.close();
  }
});

test('run now records a manual run; disabled jobs do not tick; unknown names and duplicate jobs are refused', async () => {
  const w = world();
  try {
    let n = 0;
    const job: Job = { name: 'every', cron: '* * * * *', description: 'x', run: async () => `run ${++n}` };
    assert.throws(() => w.make([job, job]), RangeError);
    const s = w.make([job]);
    assert.equal(await s.runNow('nope'), undefined);
    const out = await s.runNow('every');
    assert.equal(out?.status, 'succeeded');
    assert.equal(s.history('every')[0].trigger, 'manual');
    assert.equal(s.setEnabled('every', false), true);
    w.clock.advance(5 * MIN);
    assert.equal((await s.tick()).size, 0);
    assert.equal(s.list()[0].enabled, false);
    s.setEnabled('every', true);
    w.clock.advance(MIN);
    assert.equal((await s.tick()).size, 1);
    assert.equal(n, 2);
  } finally {
    w.close();
  }
});

test('a time-zone change moves the schedules at once, also with live tasks running', async () => {
  const w = world();
  try {
    const seen: number[] = [];
    const s = w.make([{ name: 'nightly', cron: '0 2 * * *', description: 'x', run: async (ctx) => { seen.push(ctx.now); return 'ok'; } }]);
    w.clock.set(Date.UTC(2026, 0, 5, 12, 0));
    await s.tick();
    assert.equal(s.list()[0].nextRunAt, Date.UTC(2026, 0, 5, 18, 0), '02:00 in Shanghai');
    s.start();
    await s.setTimeZone('Europe/Berlin');
    assert.equal(s.zone, 'Europe/Berlin');
    assert.equal(s.list()[0].nextRunAt, Date.UTC(2026, 0, 6, 1, 0), '02:00 in Berlin (UTC+1 in January)');
    w.clock.set(Date.UTC(2026, 0, 5, 18, 0));
    assert.equal((await s.tick()).size, 0, 'no longer fires at 02:00 Shanghai');
    w.clock.set(Date.UTC(2026, 0, 6, 1, 0));
    assert.equal((await s.tick()).get('nightly')?.status, 'succeeded', 'fires at 02:00 Berlin');
    assert.deepEqual(seen, [Date.UTC(2026, 0, 6, 1, 0)]);
    await s.stop();
  } finally {
    w.close();
  }
});
