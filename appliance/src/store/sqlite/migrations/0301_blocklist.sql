-- The block list gateways and firewalls fetch: IPv4/IPv6 addresses and CIDR networks (stored in canonical form),
-- why each is listed, what put it there and until when. The export token is kept as a SHA-256 hash only.
-- Times are milliseconds since the epoch; expires_at NULL = never. Ids are never reused (a stale id cannot remove
-- another entry).
CREATE TABLE blocklist_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  value TEXT NOT NULL UNIQUE,
  family INTEGER NOT NULL CHECK (family IN (4, 6)),
  reason TEXT NOT NULL,
  -- 'manual', 'finding:<type>' or 'policy:<id>'.
  source TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX blocklist_entries_expiry ON blocklist_entries (expires_at);

CREATE TABLE blocklist_tokens (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  sha256 TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
