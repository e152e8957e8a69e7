-- What dibao understood of each imported spreadsheet (issue 23): the column mapping, which rows were header,
-- data, total and footer, where 乡镇, type and period came from — shown on the file's web page — and, for a
-- sheet held for confirmation, who confirmed it and when. `townships`/`villages` (one per line) are the
-- areas the file's rows name, so a township user sees and confirms only their own files.
CREATE TABLE sheet_imports(
  file_id INTEGER PRIMARY KEY REFERENCES files(id),
  source_name TEXT NOT NULL,
  folder TEXT NOT NULL DEFAULT '',
  review TEXT NOT NULL,
  held INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT '',
  townships TEXT NOT NULL DEFAULT '',
  villages TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  confirmed_by TEXT,
  confirmed_at TEXT
);
CREATE INDEX sheet_imports_held ON sheet_imports(held);
