-- Facts several features share, laid down once so they never collide:
--   members.id_number becomes optional (a member without an ID number — 无户口, 未落户 — is recorded with
--   no_id_reason and is never matched by ID; SQLite's UNIQUE treats NULLs as distinct);
--   id_original keeps an old 15-digit number as printed when it is stored converted to 18 digits;
--   covered / covered_reason: whether a member is 纳入保障 and why not (服刑, 已就业有稳定收入, 户籍迁出 …);
--   events.effective_month: the month a change takes effect (执行月份), beside its decision date (date).
CREATE TABLE members_new(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  id_number TEXT,
  relation TEXT,
  sex TEXT,
  birth_date TEXT,
  disability TEXT,
  health TEXT,
  identity TEXT,
  cadre_relative INTEGER NOT NULL DEFAULT 0,
  added_on TEXT,
  removed_on TEXT,
  id_original TEXT,
  no_id_reason TEXT,
  covered INTEGER NOT NULL DEFAULT 1,
  covered_reason TEXT,
  UNIQUE(household_id, id_number)
);
INSERT INTO members_new(id, household_id, name, id_number, relation, sex, birth_date, disability, health, identity,
                        cadre_relative, added_on, removed_on)
  SELECT id, household_id, name, id_number, relation, sex, birth_date, disability, health, identity,
         cadre_relative, added_on, removed_on FROM members;
DROP TABLE members;
ALTER TABLE members_new RENAME TO members;
CREATE INDEX members_id ON members(id_number);
CREATE INDEX members_name ON members(name);
ALTER TABLE events ADD COLUMN effective_month TEXT;
