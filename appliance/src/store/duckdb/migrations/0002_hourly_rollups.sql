-- Hourly rollups per host and endpoint, derived from the minute rollups by the `rollups` job for completed hours
-- (charts over days and weeks read 60× fewer rows). rollup_marks records how far the hourly table is complete
-- (rolled_until_us, exclusive) and the earliest minute written since into an hour already rolled up
-- (dirty_from_us; null when none): such hours are read from the minute rollups until the next job run redoes them.
CREATE TABLE call_rollups_hourly (
  hour TIMESTAMP NOT NULL,
  host VARCHAR NOT NULL,
  template VARCHAR NOT NULL,
  calls BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  sensitive_calls BIGINT NOT NULL,
  detections BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  latency_us_sum BIGINT NOT NULL,
  PRIMARY KEY (hour, host, template)
);

CREATE TABLE rollup_marks (
  name VARCHAR PRIMARY KEY,
  rolled_until_us BIGINT NOT NULL,
  dirty_from_us BIGINT
);
INSERT INTO rollup_marks VALUES ('hourly', 0, NULL);
