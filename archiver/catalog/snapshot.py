"""Whole-database operations for backups and upgrades: SQLite's online backup, and the read-only look at a
copy that a backup needs to prove itself (what it references, what it holds), without migrating it.

A plain file copy of a WAL database taken while `serve` or `watch` write can miss commits that still sit
in the -wal file or catch a half-checkpointed page; the online backup API copies one consistent
transaction-state instead, and readers never block the writers.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def copy_database(src: Path, dst: Path) -> None:
    """A consistent copy of `src` at `dst` (replaced), as one self-contained file (rollback journal, no -wal)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    for side in ("", "-wal", "-shm", "-journal"):
        Path(f"{dst}{side}").unlink(missing_ok=True)
    source = sqlite3.connect(str(src), timeout=60)
    target = sqlite3.connect(str(dst))
    try:
        source.backup(target)  # all pages in one step: one read transaction, one consistent state
        target.execute("PRAGMA journal_mode=DELETE")
        target.commit()
    finally:
        target.close()
        source.close()


def make_self_contained(path: Path) -> None:
    """Checkpoint and leave rollback-journal mode, so the database is one file that hashes the same later."""
    db = sqlite3.connect(str(path))
    try:
        db.execute("PRAGMA journal_mode=DELETE")
    finally:
        db.close()


def _read_only(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def schema_version(path: Path) -> int:
    db = _read_only(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def integrity(path: Path) -> str:
    db = _read_only(path)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def referenced_files(path: Path) -> list[tuple[str, str | None]]:
    """(path relative to the home, sha256 or None) of every file on disk the catalog at `path` points to."""
    db = _read_only(path)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return referenced_of(db, tables)
    finally:
        db.close()


def referenced_of(db: Any, tables: set[str] | None = None) -> list[tuple[str, str | None]]:
    """referenced_files of an open catalog of either dialect (`tables`: those it has, when it may be old)."""
    out: list[tuple[str, str | None]] = []
    if tables is None or "files" in tables:
        out += [(r[0], r[1]) for r in db.execute("SELECT stored_path, sha256 FROM files WHERE stored_path IS NOT NULL")]
    if tables is None or "documents" in tables:
        out += [(r[0], r[1]) for r in db.execute("SELECT path, sha256 FROM documents")]
    if tables is None or "quarantine" in tables:
        out += [(r[0], None) for r in db.execute("SELECT path FROM quarantine WHERE path IS NOT NULL")]
    return out


def content_digest(path: Path) -> dict[str, object]:
    """Counts and a digest of households and documents, to prove a restore holds the same records."""
    db = _read_only(path)
    try:
        return digest_of(db)
    finally:
        db.close()


def digest_of(db: Any) -> dict[str, object]:
    """content_digest of an open catalog of either dialect (a move to PostgreSQL proves itself with it)."""
    counts = {t: int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
              for t in ("households", "members", "documents", "files", "events", "payments", "audit", "users")}
    h = hashlib.sha256()
    for r in db.execute("SELECT household_no, id, township, village, status, head_name, persons, monthly_amount "
                        "FROM households ORDER BY id"):
        values = tuple(r)  # coalesce(household_no, id) in Python: the two dialects type the SQL one apart
        h.update(repr((values[1] if values[0] is None else values[0], *values[2:])).encode())
    d = hashlib.sha256()
    for r in db.execute("SELECT id, household_id, type, sha256, path FROM documents ORDER BY id"):
        d.update(repr(tuple(r)).encode())
    return {"counts": counts, "households_sha256": h.hexdigest(), "documents_sha256": d.hexdigest()}


def probe_names(path: Path, n: int = 5) -> list[tuple[str, int]]:
    """(head name, household row id) for up to `n` households whose head's name no other household head has:
    searching the name must find that household again after a restore."""
    db = _read_only(path)
    try:
        return probes_of(db, n)
    finally:
        db.close()


def probes_of(db: Any, n: int = 5) -> list[tuple[str, int]]:
    rows = db.execute(
        "SELECT head_name, id FROM households WHERE head_name IN ("
        " SELECT head_name FROM households WHERE coalesce(head_name, '') != '' GROUP BY head_name"
        " HAVING count(*) = 1) ORDER BY id").fetchall()
    if len(rows) <= n:
        return [(r[0], int(r[1])) for r in rows]
    step = len(rows) / n  # spread over the archive, not the first village only
    return [(rows[int(i * step)][0], int(rows[int(i * step)][1])) for i in range(n)]
