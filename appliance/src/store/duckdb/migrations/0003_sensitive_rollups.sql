-- Hourly rollups of the sensitive data in the call log, written with each flush (same transaction as the calls), so
-- the sensitive-data page reads a few rows per hour whatever the number of stored calls. One row per hour and type
-- and endpoint, and per hour and type and client; a call carrying two types counts once under each.
-- vals: the sensitive values in the client's calls (the calls' sensitive_count, whatever type they were of).
CREATE TABLE sensitive_rollups_endpoints (
  hour TIMESTAMP NOT NULL,
  type VARCHAR NOT NULL,
  host VARCHAR NOT NULL,
  method VARCHAR NOT NULL,
  template VARCHAR NOT NULL,
  calls BIGINT NOT NULL,
  last_ts TIMESTAMP NOT NULL,
  PRIMARY KEY (hour, type, host, method, template)
);

CREATE TABLE sensitive_rollups_clients (
  hour TIMESTAMP NOT NULL,
  type VARCHAR NOT NULL,
  client_ip VARCHAR NOT NULL,
  calls BIGINT NOT NULL,
  vals BIGINT NOT NULL,
  last_ts TIMESTAMP NOT NULL,
  PRIMARY KEY (hour, type, client_ip)
);

-- the calls stored before this migration
INSERT INTO sensitive_rollups_endpoints
SELECT date_trunc('hour', ts), type, host, method, template, count(*), max(ts)
FROM (SELECT ts, unnest(list_distinct(sensitive_types)) AS type, host, method, template FROM calls WHERE sensitive_count > 0)
GROUP BY ALL;

INSERT INTO sensitive_rollups_clients
SELECT date_trunc('hour', ts), type, client_ip, count(*), sum(sensitive_count), max(ts)
FROM (SELECT ts, unnest(list_distinct(sensitive_types)) AS type, client_ip, sensitive_count FROM calls WHERE sensitive_count > 0)
GROUP BY ALL;
