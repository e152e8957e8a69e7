-- The objections register (issue 27): 公示异议, 信访, 举报 and 来电 about a household, with who raised it
-- (a name, or 匿名), what was alleged, who checks it, the finding and result, and when it was closed.
-- The complainant's name lives here only: every other read masks it (archiver/catalog/objections.py).
CREATE TABLE objections(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  raised_on TEXT NOT NULL,
  raised_by TEXT NOT NULL DEFAULT '匿名',
  allegation TEXT NOT NULL,
  about TEXT NOT NULL DEFAULT '',
  checker TEXT NOT NULL DEFAULT '',
  finding TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT '',
  closed_on TEXT,
  user TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX objections_household ON objections(household_id, raised_on);
CREATE INDEX objections_raised ON objections(raised_on);
