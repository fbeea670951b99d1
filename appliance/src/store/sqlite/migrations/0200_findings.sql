-- Findings: detections aggregated by (type, host, method, path, client) with counts, first/last seen, the latest
-- evidence (masked) and a status that users set (open, acknowledged, resolved, false_positive). client is '' for
-- endpoint-scoped findings. Times are ISO-8601 UTC text.
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  category TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  client TEXT NOT NULL,
  count INTEGER NOT NULL CHECK (count >= 0),
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  evidence TEXT NOT NULL,
  outcome TEXT CHECK (outcome IS NULL OR outcome IN ('attempt', 'likely_success', 'unknown')),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved', 'false_positive')),
  status_note TEXT NOT NULL DEFAULT '',
  status_by TEXT NOT NULL DEFAULT '',
  status_at TEXT,
  UNIQUE (type, host, method, path, client)
);
CREATE INDEX findings_client ON findings (client, last_seen);
CREATE INDEX findings_status ON findings (status, severity, last_seen);
CREATE INDEX findings_endpoint ON findings (host, path, method);
