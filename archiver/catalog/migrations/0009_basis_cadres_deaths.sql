-- Benefit basis, cadre register, deaths (issue 15).
--   incomes: what a roster, an export or a member of staff said a household's monthly income was, from a date,
--            the latest on or before a day is the one in force (staff corrections are later rows, never edits),
--   households.benefit_tier: the 分档 tier (一类/二类/三类 …), which is not the A/B/C review class,
--   households.aid_categories: 分类施保 add-on categories a roster states for the household (老年,残疾 …), comma-joined,
--   cadres / cadre_relatives: the county's register of village cadres and 经办人员 and their declared close
--            relatives (近亲属备案), kept apart from the household files,
--   deaths: a death or cremation list (name, ID number, date).
CREATE TABLE incomes(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  date TEXT NOT NULL,
  monthly_total REAL,
  per_capita REAL,
  persons INTEGER,
  source TEXT NOT NULL,
  source_file_id INTEGER REFERENCES files(id),
  source_row INTEGER,
  user TEXT,
  created_at TEXT NOT NULL,
  UNIQUE(household_id, date, source, monthly_total, per_capita)
);
CREATE INDEX incomes_household ON incomes(household_id, date);
ALTER TABLE households ADD COLUMN benefit_tier TEXT;
ALTER TABLE households ADD COLUMN aid_categories TEXT;
CREATE TABLE cadres(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  id_number TEXT NOT NULL UNIQUE,
  post TEXT,
  village TEXT,
  source_file TEXT,
  imported_at TEXT NOT NULL
);
CREATE TABLE cadre_relatives(
  id INTEGER PRIMARY KEY,
  cadre_id INTEGER NOT NULL REFERENCES cadres(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  id_number TEXT,
  relation TEXT NOT NULL,
  declared_on TEXT,
  checked_on TEXT,
  source_file TEXT,
  imported_at TEXT NOT NULL,
  UNIQUE(cadre_id, id_number, name)
);
CREATE INDEX cadre_relatives_id ON cadre_relatives(id_number);
CREATE TABLE deaths(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  id_number TEXT NOT NULL,
  died_on TEXT,
  source_file TEXT,
  source_row INTEGER,
  imported_at TEXT NOT NULL,
  UNIQUE(id_number, died_on)
);
CREATE INDEX deaths_id ON deaths(id_number);
