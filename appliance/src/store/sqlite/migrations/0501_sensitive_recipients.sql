-- Sensitive records received per client IP and per identity, per type and per analysis source (an upload's content
-- hash, the live capture): counts only, never values. A source's rows are replaced when it reports again.
CREATE TABLE sensitive_recipient_records (
  source TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('ip', 'identity')),
  recipient TEXT NOT NULL,
  type_id TEXT NOT NULL,
  records INTEGER NOT NULL,
  responses INTEGER NOT NULL,
  peak_hour_records INTEGER NOT NULL,
  first_seen_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL,
  PRIMARY KEY (source, kind, recipient, type_id)
);
CREATE INDEX sensitive_recipient_records_type ON sensitive_recipient_records (type_id, records);
