-- The case timeline (issue 14).
-- document_facts: what a filed form says beyond its type and date, read at ingest (archiver/formfacts.py):
--   notice_start / notice_end (the 公示 period printed on a 公示记录), notice_round (一榜/二榜/三榜),
--   investigators (names on a 入户调查表), refusal_reason, extension (a recorded 延期), and for a dibao
--   pre-filled form routed by its QR code: form, step, case (the case's 申请 date).
CREATE TABLE document_facts(
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY(document_id, name)
);
-- case_entries: steps staff record by hand when no paper says them (a refusal decided on a day, with its
-- reason; the day the refusal was notified; an extension of the decision period), with who and when.
CREATE TABLE case_entries(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  step TEXT NOT NULL,
  date TEXT NOT NULL,
  detail TEXT,
  user TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX case_entries_household ON case_entries(household_id, date);
