-- User decisions about endpoint templates, honoured by the templater of every pipeline (uploads and live capture):
-- `pin` (the template is never merged or re-templated), `split` (values kept literal at a parameter position),
-- `dissolve` (the parameter at a position is undone). Keyed by the template they were taken on.
CREATE TABLE inventory_decisions (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  template TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('pin', 'split', 'dissolve')),
  -- 0-based segment position of the parameter (split, dissolve); NULL for pin.
  position INTEGER,
  -- JSON array of values kept literal (split).
  vals TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX inventory_decisions_endpoint ON inventory_decisions(host, method, template);
