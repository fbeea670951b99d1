-- Scheduled jobs and scheduled email reports. Times are epoch milliseconds (UTC).
-- jobs: one row per job known to the scheduler (the job list itself lives in code), with its enabled flag and the
-- time up to which its cron expression has been checked (the scheduler's tick resumes from there).
CREATE TABLE jobs (
  name TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  checked_until INTEGER
);

-- job_runs: every run and every skipped tick. status 'skipped' = the previous run was still going (never overlaps);
-- 'interrupted' = the process stopped while the run was going (set at the next start).
CREATE TABLE job_runs (
  id INTEGER PRIMARY KEY,
  job TEXT NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'interrupted')),
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs (job, id);
CREATE INDEX job_runs_started ON job_runs (started_at);

-- report_schedules: what to send, when (in the appliance's time zone) and to whom. hosts is a JSON array ([] = all).
CREATE TABLE report_schedules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
  time_of_day TEXT NOT NULL,
  weekday INTEGER NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 0 AND 6),
  day_of_month INTEGER NOT NULL DEFAULT 1 CHECK (day_of_month BETWEEN 1 AND 28),
  language TEXT NOT NULL CHECK (language IN ('zh-CN', 'en')),
  recipients TEXT NOT NULL,
  hosts TEXT NOT NULL DEFAULT '[]',
  next_due_at INTEGER NOT NULL,
  last_period_end INTEGER,
  created_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX report_schedules_due ON report_schedules (enabled, next_due_at);

-- report_runs: one report built for one period and its delivery (retried with backoff while status = 'retrying').
CREATE TABLE report_runs (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER REFERENCES report_schedules (id) ON DELETE SET NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  language TEXT NOT NULL,
  recipients TEXT NOT NULL,
  hosts TEXT NOT NULL DEFAULT '[]',
  period_start INTEGER NOT NULL,
  period_end INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('building', 'retrying', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  error TEXT NOT NULL DEFAULT '',
  error_code TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  html_path TEXT NOT NULL DEFAULT '',
  pdf_path TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX report_runs_retry ON report_runs (status, next_attempt_at);
CREATE INDEX report_runs_created ON report_runs (created_at);
