-- Attacker tracing: which client IPs used which identities (JWT subject, API key fingerprint, session fingerprint,
-- basic-auth user), and what each actor (`ip:<address>` or `id:<identity>`) touched: endpoints, errors and the
-- sensitive data types it received. Counts and first/last seen are merged from the analyzers' periodic deltas.
CREATE TABLE actor_links (
  ip TEXT NOT NULL,
  identity TEXT NOT NULL,
  calls INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (ip, identity)
) WITHOUT ROWID;
CREATE INDEX actor_links_identity ON actor_links (identity, ip);

CREATE TABLE actor_activity (
  actor TEXT NOT NULL,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  -- JSON array of sensitive data type ids received in responses (sorted, distinct).
  sensitive_types TEXT NOT NULL DEFAULT '[]',
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (actor, host, method, path)
) WITHOUT ROWID;
