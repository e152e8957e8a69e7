"""`dibao backup DEST` and `dibao restore SRC`: a home that survives a dead disk, taken while serve/watch run.

DEST holds dated snapshots, `DEST/dibao-YYYYmmddTHHMMSSZ/`, each a whole home: every file of the home (found
generically, so what later features add is backed up too) except what is transient or rebuilt — `tmp/`,
`inbox/` (not yet filed), `backups/` (pre-upgrade copies), temp files, SQLite's -wal/-shm — with every
SQLite database taken by the online backup API. A file unchanged since the previous snapshot (same path,
size and mtime) is hard-linked from it, not copied: incremental runs copy only what is new, yet every
snapshot is complete on its own and rotation may delete any of them.

snapshots.py: what a snapshot folder holds and how a complete one is found; take.py: taking one; signature.py:
the manifest's HMAC; restore.py: a home rebuilt from one and proved to be the same archive.
"""
