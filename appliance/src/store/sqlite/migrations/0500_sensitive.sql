-- Sensitive data: user-edited levels per sensitive type (defaults come from the detectors) and the per-endpoint,
-- per-field exposure the analyzer aggregates (type ids, field names and counts only; never values).
CREATE TABLE sensitive_type_levels (
  type_id TEXT PRIMARY KEY,
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sensitive_endpoint_fields (
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('request', 'response')),
  location TEXT NOT NULL,
  field TEXT NOT NULL,
  type_id TEXT NOT NULL,
  hits INTEGER NOT NULL,
  first_seen_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL,
  PRIMARY KEY (host, method, path, direction, location, field, type_id)
);
