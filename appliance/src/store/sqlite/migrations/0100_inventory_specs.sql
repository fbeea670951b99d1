-- Declared API specs (OpenAPI 3.0/3.1, Swagger 2.0) uploaded by users, with the hosts they describe.
CREATE TABLE specs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  -- JSON array of hosts the user attached it to ([] = the hosts the spec names).
  hosts TEXT NOT NULL DEFAULT '[]',
  format TEXT NOT NULL,
  title TEXT NOT NULL,
  version TEXT NOT NULL,
  operations INTEGER NOT NULL,
  content TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX specs_sha_hosts ON specs(sha256, hosts);
