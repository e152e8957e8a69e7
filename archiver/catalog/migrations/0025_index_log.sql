-- The search index's change log (issue 28): every write appends the households it changed, in its own
-- transaction, under an increasing number. Each index (one per web server) keeps the last number it applied
-- beside its files and reports it here; a queue drained by one consumer could not feed several servers.
-- What was still queued moves into the log, so an index upgraded with no position (0) applies exactly that.
CREATE TABLE index_log(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL,
  at TEXT NOT NULL DEFAULT ''
);
INSERT INTO index_log(household_id) SELECT household_id FROM index_queue ORDER BY household_id;
DROP TABLE index_queue;
CREATE INDEX index_log_at ON index_log(at);
-- each index's position by name (host:folder); the row named '*pruned*' holds the highest number pruned.
-- Pruning keeps the newest row, so SQLite never hands out a number again (no AUTOINCREMENT table needed)
CREATE TABLE index_positions(
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  at TEXT NOT NULL
);
