-- The call log: one row per API call. ts is the capture time of the first request byte.
CREATE TABLE calls (
  id BIGINT NOT NULL,
  ts TIMESTAMP NOT NULL,
  source VARCHAR NOT NULL,
  client_ip VARCHAR NOT NULL,
  client_port INTEGER NOT NULL,
  server_ip VARCHAR NOT NULL,
  server_port INTEGER NOT NULL,
  host VARCHAR NOT NULL,
  method VARCHAR NOT NULL,
  uri VARCHAR NOT NULL,
  template VARCHAR NOT NULL,
  status SMALLINT,
  request_bytes BIGINT NOT NULL,
  response_bytes BIGINT NOT NULL,
  latency_us BIGINT,
  auth_scheme VARCHAR NOT NULL,
  identity VARCHAR NOT NULL,
  user_agent VARCHAR NOT NULL,
  sensitive_types VARCHAR[] NOT NULL,
  sensitive_count INTEGER NOT NULL,
  detections VARCHAR[] NOT NULL,
  severity TINYINT NOT NULL,
  flags INTEGER NOT NULL
);

-- Per-minute rollups per host and endpoint, written with each flush (charts, reports).
CREATE TABLE call_rollups (
  minute TIMESTAMP NOT NULL,
  host VARCHAR NOT NULL,
  template VARCHAR NOT NULL,
  calls BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  sensitive_calls BIGINT NOT NULL,
  detections BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  latency_us_sum BIGINT NOT NULL,
  PRIMARY KEY (minute, host, template)
);
