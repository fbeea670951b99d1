-- What each source (an upload by content hash, a live capture session) has already added to each finding's count,
-- so a re-import or a newer cumulative snapshot of the same source adds only the difference.
CREATE TABLE finding_contributions (
  source TEXT NOT NULL,
  finding_key TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (source, finding_key)
);
