-- Notification channels (one notifier plug-in kind each, settings JSON with its secrets) and the record of every
-- delivery made through them. Times are milliseconds since the epoch.
CREATE TABLE notifier_channels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  min_severity TEXT NOT NULL DEFAULT 'medium' CHECK (min_severity IN ('info', 'low', 'medium', 'high', 'critical')),
  group_window_s INTEGER NOT NULL DEFAULT 60 CHECK (group_window_s >= 0),
  max_per_minute INTEGER NOT NULL DEFAULT 20 CHECK (max_per_minute >= 1),
  settings TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE notifier_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel_id INTEGER NOT NULL REFERENCES notifier_channels(id) ON DELETE CASCADE,
  -- 'alert', 'summary' (what the rate limit held back) or 'test'.
  kind TEXT NOT NULL CHECK (kind IN ('alert', 'summary', 'test')),
  alert_type TEXT NOT NULL,
  severity TEXT NOT NULL,
  title TEXT NOT NULL,
  count INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  -- What went wrong, in words for users ('' when sent).
  error TEXT NOT NULL DEFAULT '',
  -- What the receiver said (HTTP status, SMTP message id, ...).
  detail TEXT NOT NULL DEFAULT '',
  -- The alert as sent (sanitised JSON), so a failed delivery can be sent again.
  alert TEXT NOT NULL DEFAULT '{}',
  -- The delivery this one retries, if any.
  retry_of INTEGER,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX notifier_deliveries_channel ON notifier_deliveries (channel_id, id);
