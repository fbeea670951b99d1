-- Core settings: admin-edited key/value settings (JSON values), the first schema of the state database.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
