-- Raw sensitive values kept for the admin-only, audited reveal, only while raw storage is enabled (settings,
-- retention.storeRawSensitive): a few per endpoint × field × type, encrypted (AES-256-GCM, key file in the data
-- directory; `ciphertext` = 12-byte nonce, 16-byte tag, data). `value_mac` (keyed HMAC) deduplicates without
-- decrypting. Rows go when the switch goes off and by the retention age.
CREATE TABLE sensitive_raw_samples (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('request', 'response')),
  location TEXT NOT NULL,
  field TEXT NOT NULL,
  type_id TEXT NOT NULL,
  masked TEXT NOT NULL,
  value_mac TEXT NOT NULL,
  ciphertext BLOB NOT NULL,
  seen_us INTEGER NOT NULL,
  stored_us INTEGER NOT NULL,
  UNIQUE (host, method, path, direction, location, field, type_id, value_mac)
);
CREATE INDEX sensitive_raw_samples_type ON sensitive_raw_samples (type_id, host);
CREATE INDEX sensitive_raw_samples_stored ON sensitive_raw_samples (stored_us);
