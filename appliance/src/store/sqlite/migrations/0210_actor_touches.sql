-- What each actor touched, in a compact form: actor names and endpoints are stored once and the per-(actor, endpoint)
-- row is keyed by two integers with times in epoch milliseconds. The text-keyed actor_activity rows were ~4× larger
-- and merging them was the service's largest cost per call on busy links. Existing rows move over unchanged.
CREATE TABLE actor_names (
  id INTEGER PRIMARY KEY,
  -- `ip:<address>` or `id:<identity>`.
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE actor_endpoints (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  UNIQUE (host, method, path)
);

CREATE TABLE actor_touches (
  actor_id INTEGER NOT NULL,
  endpoint_id INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  -- JSON array of sensitive data type ids received in responses (sorted, distinct, at most 64); NULL for none.
  sensitive_types TEXT,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  PRIMARY KEY (actor_id, endpoint_id)
) WITHOUT ROWID;

INSERT INTO actor_names (name) SELECT DISTINCT actor FROM actor_activity ORDER BY actor;
INSERT INTO actor_endpoints (host, method, path) SELECT DISTINCT host, method, path FROM actor_activity ORDER BY host, method, path;
INSERT INTO actor_touches (actor_id, endpoint_id, calls, errors, sensitive_types, first_ms, last_ms)
  SELECT n.id, e.id, a.calls, a.errors, NULLIF(a.sensitive_types, '[]'),
    CAST(round(unixepoch(a.first_seen, 'subsec') * 1000) AS INTEGER), CAST(round(unixepoch(a.last_seen, 'subsec') * 1000) AS INTEGER)
  FROM actor_activity a
  JOIN actor_names n ON n.name = a.actor
  JOIN actor_endpoints e ON e.host = a.host AND e.method = a.method AND e.path = a.path;
DROP TABLE actor_activity;
