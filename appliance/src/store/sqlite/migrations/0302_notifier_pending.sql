-- Alerts waiting in a channel's grouping window or held back by its rate limit, saved at least once a second so a
-- restart or a power cut does not drop them (one JSON snapshot of the channel's grouper; removed with the channel).
CREATE TABLE notifier_pending (
  channel_id INTEGER PRIMARY KEY REFERENCES notifier_channels(id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
