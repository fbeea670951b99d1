-- job_runs.summary: what a run did as a message code and its parameters (JSON: {"code": "...", "params": {...}}), so
-- the UI says it in its language; NULL for runs recorded before (and for failures, whose message is the error).
ALTER TABLE job_runs ADD COLUMN summary TEXT;
