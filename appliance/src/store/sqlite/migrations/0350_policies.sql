-- User policies (conditions → actions as JSON validated by the service) and the actions they asked for.
CREATE TABLE policies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  -- Set for the policies shipped with the appliance (editable, not deletable).
  builtin_key TEXT UNIQUE,
  conditions TEXT NOT NULL,
  actions TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Notify and block actions raised by policies in the pipelines, in the order they happened.
CREATE TABLE policy_events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  policy_id INTEGER NOT NULL,
  policy_name TEXT NOT NULL,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  client TEXT NOT NULL,
  identity TEXT NOT NULL,
  severity TEXT NOT NULL,
  evidence TEXT NOT NULL,
  notify TEXT NOT NULL DEFAULT '[]',
  block_minutes INTEGER
);
CREATE INDEX policy_events_at ON policy_events(at);
