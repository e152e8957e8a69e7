"""Copying a whole catalog from SQLite to PostgreSQL, row for row, ids kept (`dibao migrate-database`).

Why ids are kept: files, the search index and every document path name records by id; a move that renumbered
them would need the index rebuilt and would break links staff have saved. Parents are copied before the
tables that reference them, each table in one COPY (PostgreSQL's bulk protocol), all in one transaction: a
failure leaves the target as empty as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from . import dialect

BATCH = 5000


def tables(src: Any) -> list[str]:
    """The SQLite catalog's tables, each after every table it references (foreign keys)."""
    names = [r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    parents = {t: {r[2] for r in src.execute(f"PRAGMA foreign_key_list({t})")} - {t} for t in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [t for t in names if t not in ordered and parents[t] <= set(ordered)]
        if not ready:
            raise RuntimeError(f"foreign keys form a cycle: {sorted(set(names) - set(ordered))}")
        ordered += ready
    return ordered


def counts(db: Any, names: list[str]) -> dict[str, int]:
    return {t: int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in names}


def copy_all(src: Any, dst: Any, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Every row of SQLite `src` into the empty PostgreSQL catalog `dst` (same schema version); rows per table."""
    if dialect.kind(src) != "sqlite" or dialect.kind(dst) != "postgresql":
        raise ValueError("copy_all moves a SQLite catalog to PostgreSQL")
    names = tables(src)
    total = counts(src, names)
    done: dict[str, int] = {}
    with dst.transaction_block():
        for table in names:
            cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            cur = src.cursor()
            cur.row_factory = None  # plain tuples, streamed in batches
            cur.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid")
            n = 0
            while rows := cur.fetchmany(BATCH):
                dst.copy_rows(table, cols, rows)
                n += len(rows)
                if progress:
                    progress(table, n, total[table])
            done[table] = n
            if "id" in cols:
                dst.reset_identity(table)
    return done


def sqlite_rows(path: str, write_lock: bool = False) -> sqlite3.Connection:
    """A connection to a SQLite catalog file to copy from; `write_lock` holds its write lock until closed, so
    no other process changes it while it is copied."""
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    if write_lock:
        db.execute("BEGIN IMMEDIATE")
    return db
