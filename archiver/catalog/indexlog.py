"""The search index's change log (migration 0025): the households each write changed, numbered in commit order.

A write appends its households in its own transaction (`mark_dirty`); every index — one per web server —
applies the rows after the last number it applied (its position, kept beside its files) and reports that
position here. Numbers follow commit order because writes are serialised: SQLite has one writer, and on
PostgreSQL every transaction takes the catalog's write lock first (postgres.py), so a reader never sees a
number while a lower one is still uncommitted. Rows are pruned once every index has them, or after
`KEEP_DAYS`, always keeping the newest (so SQLite never reuses a number); an index behind what was pruned
rebuilds (`pruned_below`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .core import CatalogCore
from .models import now

KEEP_DAYS = 30  # a server switched off longer than this rebuilds its index when it comes back
PRUNED = "*pruned*"  # the index_positions row holding the highest number pruned


class IndexLogMixin(CatalogCore):
    def mark_dirty(self, household_ids: Sequence[int] | set[int]) -> None:
        """Log households for the search indexes (in the caller's transaction, or one of its own); the
        after-commit hooks run once the transaction commits."""
        ids = sorted(set(household_ids))
        if not ids:
            return
        with self.transaction():
            at = now()
            self.db.executemany("INSERT INTO index_log(household_id, at) VALUES (?, ?)", [(i, at) for i in ids])
            self._queued = True

    def log_head(self) -> int:
        """The last number logged (0 for none): one look-up on the primary key, cheap enough to poll."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM index_log").fetchone()[0])

    def log_after(self, position: int, limit: int | None = None) -> list[tuple[int, int]]:
        """(number, household) logged after `position`, in order; `limit` rows at most."""
        sql = "SELECT id, household_id FROM index_log WHERE id > ? ORDER BY id"
        args: list[int] = [position]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [(int(r[0]), int(r[1])) for r in self.db.execute(sql, args)]

    def log_lag(self, position: int) -> int:
        """How many log rows an index at `position` has yet to apply."""
        return int(self.db.execute("SELECT count(*) FROM index_log WHERE id > ?", (position,)).fetchone()[0])

    def dirty_households(self, position: int | None = None) -> list[int]:
        """Households logged after `position` — by default after the lowest position any index reported
        (the whole log when none has)."""
        if position is None:
            position = self.lowest_position()
        rows = self.db.execute("SELECT DISTINCT household_id FROM index_log WHERE id > ? ORDER BY household_id",
                               (position,))
        return [int(r[0]) for r in rows]

    def lowest_position(self) -> int:
        row = self.db.execute("SELECT min(position) FROM index_positions WHERE name <> ?", (PRUNED,)).fetchone()
        return int(row[0] or 0)

    def index_positions(self) -> dict[str, int]:
        rows = self.db.execute("SELECT name, position FROM index_positions WHERE name <> ? ORDER BY name", (PRUNED,))
        return {str(r[0]): int(r[1]) for r in rows}

    def pruned_below(self) -> int:
        """The highest number pruned: an index whose position is lower missed rows and must rebuild."""
        row = self.db.execute("SELECT position FROM index_positions WHERE name = ?", (PRUNED,)).fetchone()
        return int(row[0]) if row else 0

    def report_position(self, name: str, position: int) -> None:
        """Record index `name`'s position, then prune what every index has (or what is older than KEEP_DAYS)."""
        with self.transaction():
            self.db.execute("INSERT INTO index_positions(name, position, at) VALUES (?, ?, ?) ON CONFLICT(name) "
                            "DO UPDATE SET position = excluded.position, at = excluded.at", (name, position, now()))
            self._prune()

    def _prune(self) -> None:
        stale = (dt.datetime.now() - dt.timedelta(days=KEEP_DAYS)).isoformat(timespec="seconds")
        old = self.db.execute("SELECT coalesce(max(id), 0) FROM index_log WHERE at < ?", (stale,)).fetchone()[0]
        upto = min(max(self.lowest_position(), int(old)), self.log_head())  # the newest row always stays
        gone = self.db.execute("SELECT max(id) FROM index_log WHERE id < ?", (upto,)).fetchone()[0]
        if gone is None:
            return
        self.db.execute("DELETE FROM index_log WHERE id < ?", (upto,))
        self.db.execute("INSERT INTO index_positions(name, position, at) VALUES (?, ?, ?) ON CONFLICT(name) "
                        "DO UPDATE SET position = excluded.position, at = excluded.at", (PRUNED, int(gone), now()))
