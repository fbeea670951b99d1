-- Risk re-scoring: the traffic-derived risk factors (sensitivity, authentication) each source last reported for an
-- endpoint, the consolidated score with its factor breakdown, and the history of score changes (risk movers in
-- reports). Findings-derived factors are recomputed from the findings table, so finding status changes count.
CREATE TABLE endpoint_risk_sources (
  endpoint_id INTEGER NOT NULL REFERENCES inventory_endpoints(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  factors TEXT NOT NULL,
  reported_at INTEGER NOT NULL,
  PRIMARY KEY (endpoint_id, source)
) WITHOUT ROWID;

CREATE TABLE endpoint_risk (
  endpoint_id INTEGER PRIMARY KEY REFERENCES inventory_endpoints(id) ON DELETE CASCADE,
  score INTEGER NOT NULL,
  factors TEXT NOT NULL,
  scored_at INTEGER NOT NULL
);

CREATE TABLE endpoint_risk_history (
  endpoint_id INTEGER NOT NULL REFERENCES inventory_endpoints(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  score INTEGER NOT NULL,
  PRIMARY KEY (endpoint_id, at)
) WITHOUT ROWID;
CREATE INDEX endpoint_risk_history_at ON endpoint_risk_history (at);
