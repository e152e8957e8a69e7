-- A household changed again while a drain was indexing it stays queued: each change bumps its mark, and the
-- drain removes only the mark it read (archiver/index/writer.py: one writer for the index at a time).
ALTER TABLE index_queue ADD COLUMN mark INTEGER NOT NULL DEFAULT 0;

-- Every input a stored file came as: several inputs with the same bytes (zero-byte files, a copy under another
-- name, a zip member sent again) are one stored copy and one catalog row, and each of their names is kept here.
CREATE TABLE file_names(
  file_id INTEGER NOT NULL REFERENCES files(id),
  source_name TEXT NOT NULL,
  batch_id INTEGER,
  created_at TEXT NOT NULL,
  PRIMARY KEY (file_id, source_name)
);
