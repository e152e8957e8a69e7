-- Completed periodic reviews (定期复核) recorded by staff (`dibao review record`, later the web): the result and
-- the reviewer, beside the 复核 event that restarts the review clock. A scanned 复核记录 keeps counting through
-- the 复核 event its filing adds; this table holds what a scan does not say in structured form.
CREATE TABLE reviews(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  date TEXT NOT NULL,
  result TEXT NOT NULL,
  reviewer TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX reviews_household ON reviews(household_id, date);
