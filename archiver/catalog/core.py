"""The catalog's core: the connection, its transactions, the after-commit hooks, migrations, and the two row
writers (`_insert`/`_update`) every aggregate builds its INSERTs and UPDATEs with.

Every aggregate mixin (households.py, documents.py, ...) subclasses this, so its methods see the connection
and the transaction typed; `Catalog` (the package) joins them. Nothing here knows a table but through its
caller's arguments; which database the connection reaches is dialect.py's business.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import dialect

if TYPE_CHECKING:
    from archiver.home import Home

    from . import Catalog


class CatalogCore:
    """One open catalog — a SQLite file (WAL, foreign keys on) or a PostgreSQL database (dialect.py) — migrated
    to this code's schema when opened."""

    def __init__(self, path: Path | str, password: str | None = None) -> None:
        """`path`: the SQLite file, or a postgresql:// address (`password` from the home's password file or the
        environment, never in the address)."""
        self.path = path
        self.db = dialect.connect(path, password)
        self._depth = 0
        self._hooks: dict[str, Callable[[Catalog], None]] = {}
        self._queued = False  # the transaction in progress marked households for the search index
        self._pending = False  # a committed one did, and the hooks have not run since (held by a batch)
        self._held = 0
        self.migrate()

    @classmethod
    def of(cls, home: Home) -> Catalog:
        """The home's catalog, wherever it lives (a file in the home, or a database server)."""
        return cast("Catalog", cls(*home.catalog_target()))

    # ------------------------------------------------------------------ plumbing
    def close(self) -> None:
        self.db.close()

    def schema_version(self) -> int:
        return dialect.schema_version(self.db)

    def migrate(self) -> None:
        """Announced, backed up first, refused on a catalog newer than this code (upgrade.py)."""
        from .upgrade import migrate

        try:
            migrate(self.db, self.path)
        except BaseException:
            self.db.close()
            raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self._queued = False
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._depth = 0
        self._committed()

    # ------------------------------------------------------------------ after-commit hooks
    def after_commit(self, name: str, hook: Callable[[Catalog], None]) -> None:
        """Run `hook(catalog)` after every commit that marked households (`mark_dirty`) — once the rows are
        durable, never inside the transaction, so what follows the catalog is never ahead of it. The search
        index registers its sync here (archiver/index_hook.py); a write only marks, it never syncs. This is
        where a queue worker or a second index will hang (issue #28): another named hook, no write site
        touched. The same name again replaces the hook (a command that wants its own progress reporter)."""
        self._hooks[name] = hook

    @contextmanager
    def hooks_held(self) -> Iterator[None]:
        """A batch of transactions (an ingest) runs the hooks once, when it ends, not after each commit."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        self._run_hooks()

    def _committed(self) -> None:
        if self._queued:
            self._queued, self._pending = False, True
        self._run_hooks()

    def _run_hooks(self) -> None:
        if self._held or not self._pending or not self._hooks:
            return
        self._pending = False
        for hook in list(self._hooks.values()):
            hook(cast("Catalog", self))  # every CatalogCore in use is a Catalog

    def _insert(self, table: str, fields: dict[str, Any], ignore: bool = False) -> int | None:
        cols = ", ".join(fields)
        marks = ", ".join("?" * len(fields))
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        cur = self.db.execute(f"{verb} INTO {table} ({cols}) VALUES ({marks})", list(fields.values()))
        return cur.lastrowid if cur.rowcount else None

    def _update(self, table: str, row_id: int, fields: dict[str, Any]) -> None:
        if fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            self.db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*fields.values(), row_id])

    def _tuples(self) -> sqlite3.Cursor:
        """A cursor whose rows are plain tuples (no per-row name lookup): for reads of 100,000s of rows."""
        cur = self.db.cursor()
        cur.row_factory = None
        return cur
