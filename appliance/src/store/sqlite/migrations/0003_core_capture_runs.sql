-- Uploaded captures and their analysis runs (the report JSON is kept on disk next to the upload).
CREATE TABLE capture_runs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  error TEXT NOT NULL DEFAULT '',
  uploaded_by TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  transactions INTEGER NOT NULL DEFAULT 0,
  endpoints INTEGER NOT NULL DEFAULT 0,
  findings INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX capture_runs_started ON capture_runs(started_at);
