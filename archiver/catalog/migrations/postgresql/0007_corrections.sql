-- PostgreSQL's text of 0007: the same tables and columns. The two statements that filled
-- quarantine_candidates from the old JSON column are left out: a PostgreSQL catalog is created new or
-- moved from a SQLite catalog already past 0007 (migrate-database), so there is nothing to fill.
-- Corrections (nothing filed is final), 回收站, notes, structured quarantine candidates, user switch-off.
-- changes: every correction with who, when, before and after (dibao history); one row per field changed.
CREATE TABLE changes(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  household_id INTEGER,
  document_id INTEGER,
  member_id INTEGER,
  what TEXT NOT NULL,
  before TEXT,
  after TEXT
);
CREATE INDEX changes_household ON changes(household_id);
CREATE INDEX changes_document ON changes(document_id);
ALTER TABLE documents ADD COLUMN note TEXT;
ALTER TABLE documents ADD COLUMN trashed_at TEXT;
ALTER TABLE documents ADD COLUMN trashed_by TEXT;
ALTER TABLE documents ADD COLUMN trash_reason TEXT;
ALTER TABLE households ADD COLUMN note TEXT;
-- a household fact set by hand: a later import that says otherwise is held back and reported here
CREATE TABLE household_overrides(
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  value TEXT,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  PRIMARY KEY(household_id, field)
);
CREATE TABLE import_conflicts(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  manual TEXT,
  imported TEXT,
  at TEXT NOT NULL,
  resolved_at TEXT,
  UNIQUE(household_id, field, imported)
);
-- quarantine candidates as household keys (the display strings in quarantine.candidates resolve to nothing)
CREATE TABLE quarantine_candidates(
  item_id INTEGER NOT NULL REFERENCES quarantine(id) ON DELETE CASCADE,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  PRIMARY KEY(item_id, household_id)
);
-- 不予归档: a rejected item is closed with its reason and stays listable
ALTER TABLE quarantine ADD COLUMN rejected_reason TEXT;
ALTER TABLE quarantine ADD COLUMN closed_by TEXT;
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
