-- A household changed again while a drain was indexing it stays queued: each change bumps its mark, and the
-- drain removes only the mark it read (archiver/index/writer.py: one writer for the index at a time).
ALTER TABLE index_queue ADD COLUMN mark INTEGER NOT NULL DEFAULT 0;
