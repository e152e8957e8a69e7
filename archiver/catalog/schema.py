"""Versioned schema migrations for the catalog. Append a new entry; never edit an applied one."""

from __future__ import annotations

from pathlib import Path

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
CREATE TABLE batches(
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  source TEXT,
  summary TEXT
);
-- every input file that ever reached ingest, once per content (sha256)
CREATE TABLE files(
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  source_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  size INTEGER NOT NULL,
  stored_path TEXT,
  outcome TEXT NOT NULL,
  reason TEXT,
  sheet_date TEXT,
  batch_id INTEGER REFERENCES batches(id),
  created_at TEXT NOT NULL
);
CREATE TABLE households(
  id INTEGER PRIMARY KEY,
  household_no TEXT UNIQUE,
  township TEXT,
  village TEXT,
  area_type TEXT,
  category TEXT,
  status TEXT NOT NULL DEFAULT '待核实',
  monthly_amount REAL,
  persons INTEGER,
  approved_on TEXT,
  address TEXT,
  phone TEXT,
  head_name TEXT,
  head_id_number TEXT,
  bank_account TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX households_head ON households(head_id_number);
CREATE INDEX households_area ON households(township, village);
CREATE TABLE members(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  id_number TEXT NOT NULL,
  relation TEXT,
  sex TEXT,
  birth_date TEXT,
  disability TEXT,
  health TEXT,
  identity TEXT,
  cadre_relative INTEGER NOT NULL DEFAULT 0,
  added_on TEXT,
  removed_on TEXT,
  UNIQUE(household_id, id_number)
);
CREATE INDEX members_id ON members(id_number);
CREATE INDEX members_name ON members(name);
-- 新增/停保/调增/调减/复核/成员变更 …; dedupe makes re-imports and overlapping sheets idempotent
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  date TEXT NOT NULL,
  kind TEXT NOT NULL,
  old_amount REAL,
  new_amount REAL,
  old_persons INTEGER,
  new_persons INTEGER,
  reason TEXT,
  source_file_id INTEGER REFERENCES files(id),
  source_row INTEGER,
  document_id INTEGER,
  dedupe TEXT NOT NULL UNIQUE
);
CREATE INDEX events_household ON events(household_id, date);
-- what a dated roster said about a household (persons, amount) on its date
CREATE TABLE snapshots(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  date TEXT NOT NULL,
  persons INTEGER,
  amount REAL,
  source_file_id INTEGER REFERENCES files(id),
  source_row INTEGER,
  UNIQUE(household_id, date)
);
CREATE TABLE payments(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL,
  amount REAL NOT NULL,
  persons INTEGER,
  bank_account TEXT,
  township TEXT,
  village TEXT,
  source_file_id INTEGER REFERENCES files(id),
  source_row INTEGER,
  UNIQUE(household_id, period_start, period_end, amount)
);
CREATE INDEX payments_period ON payments(period_start);
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id),
  file_id INTEGER NOT NULL REFERENCES files(id),
  type TEXT NOT NULL,
  date TEXT,
  source_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  pages TEXT,
  page_count INTEGER NOT NULL DEFAULT 1,
  routed_by TEXT,
  created_at TEXT NOT NULL,
  UNIQUE(household_id, sha256)
);
CREATE INDEX documents_household ON documents(household_id);
CREATE TABLE pages(
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  page_no INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY(document_id, page_no)
);
CREATE TABLE quarantine(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES files(id),
  source_name TEXT NOT NULL,
  reason TEXT NOT NULL,
  candidates TEXT,
  path TEXT,
  pages TEXT,
  text TEXT,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolved_document_id INTEGER REFERENCES documents(id)
);
CREATE TABLE row_errors(
  id INTEGER PRIMARY KEY,
  batch_id INTEGER REFERENCES batches(id),
  file_id INTEGER REFERENCES files(id),
  source_name TEXT NOT NULL,
  sheet TEXT,
  row INTEGER,
  col TEXT,
  reason TEXT NOT NULL
);
CREATE TABLE audit(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT,
  remote TEXT
);
""",
    ),
    (
        2,
        """
-- households changed in the catalog whose search-index entry is not yet rewritten; filled in the same
-- transaction as the change, emptied after the index commits, so an interrupted run is visible and resumable
CREATE TABLE index_queue(
  household_id INTEGER PRIMARY KEY
);
""",
    ),
    (
        3,
        """
-- web users (属地管理): role county | township | village, area = the township or village they may see
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  area TEXT NOT NULL DEFAULT '',
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
""",
    ),
]



def _from_files() -> list[tuple[int, str]]:
    """Later migrations live one per file, `migrations/NNNN_what.sql`, so features never edit one list."""
    folder = Path(__file__).with_name("migrations")
    out = [(int(f.name.split("_", 1)[0]), f.read_text(encoding="utf-8")) for f in sorted(folder.glob("[0-9]*_*.sql"))]
    known = {v for v, _ in MIGRATIONS}
    clash = [v for v, _ in out if v in known]
    if clash or len({v for v, _ in out}) != len(out):
        raise RuntimeError(f"duplicate migration version {clash}")
    return out


MIGRATIONS = sorted(MIGRATIONS + _from_files())
LATEST = MIGRATIONS[-1][0]
