-- The stored API inventory: one row per endpoint (host, method, template) merged from every source that saw it.
CREATE TABLE inventory_endpoints (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  template TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('new', 'active', 'dormant', 'revived', 'retired')),
  state_since INTEGER NOT NULL,
  in_spec INTEGER NOT NULL DEFAULT 0,
  deprecated INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  -- Latest facts as JSON: statuses, auth schemes, sensitive types, params; risk 0-100.
  statuses TEXT NOT NULL DEFAULT '{}',
  auth TEXT NOT NULL DEFAULT '[]',
  sensitive TEXT NOT NULL DEFAULT '[]',
  params TEXT NOT NULL DEFAULT '[]',
  risk INTEGER NOT NULL DEFAULT 0,
  UNIQUE (host, method, template)
);
CREATE INDEX inventory_endpoints_state ON inventory_endpoints(state);

-- What each source (an upload, a live capture session) contributed: replaced when the source reports again, so
-- re-imports never count twice. An endpoint's calls are the sum over its sources.
CREATE TABLE inventory_sources (
  endpoint_id INTEGER NOT NULL REFERENCES inventory_endpoints(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  calls INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (endpoint_id, source)
);
CREATE INDEX inventory_sources_source ON inventory_sources(source);

-- Change log the dashboard and reports read: new, revived, dormant, retired, merged, spec changes.
CREATE TABLE inventory_changes (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  template TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX inventory_changes_at ON inventory_changes(at);
