-- Uploads through the web page, one row each, so the upload page reads what became of a file from a table
-- (joined with files by checksum) instead of parsing the audit log's text. The audit log still records
-- every upload; uploads that only the audit log knew of are carried over.
CREATE TABLE uploads(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER
);
CREATE INDEX uploads_by_user ON uploads(user, id);
INSERT INTO uploads(at, user, name, sha256, size)
  SELECT at, user, target, substr(detail, 8), NULL FROM audit WHERE action = 'upload' AND detail LIKE 'sha256=%' ORDER BY id;
