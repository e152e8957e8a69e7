"""Data fix that goes with migration 6: township and village names already in a catalog are folded to
the one form imports now store (紅旗村委會 → 红旗村, 东山镇人民政府 → 东山镇), so old and new rows name
one village alike. Runs once, inside the migration's transaction."""

from __future__ import annotations

import sqlite3

VERSION = 6


def after_migration(db: sqlite3.Connection, version: int) -> None:
    """The Python side of a migration, in its transaction (upgrade.py calls this after each one's SQL)."""
    if version == VERSION:
        fold_existing(db)


def fold_existing(db: sqlite3.Connection) -> None:
    from archiver import places  # pure functions; imported late to keep the catalog import light

    for table in ("households", "payments"):
        rows = db.execute(f"SELECT id, township, village FROM {table}").fetchall()
        for row_id, township, village in rows:
            t = places.township(township) if township else township
            v = places.village(village) if village else village
            if (t, v) != (township, village):
                db.execute(f"UPDATE {table} SET township = ?, village = ? WHERE id = ?", (t, v, row_id))
    # web users' areas name the same places (乡镇 or 乡镇/村): they must still match after the fold
    for user_id, area in db.execute("SELECT id, area FROM users WHERE area <> ''").fetchall():
        parts = area.split("/")
        folded = "/".join([places.township(parts[0]), *(places.village(p) for p in parts[1:])]) if len(parts) > 1 \
            else places.village(places.township(area))
        if folded != area:
            db.execute("UPDATE users SET area = ? WHERE id = ?", (folded, user_id))
