"""The imports aggregate (the import review, issue 23): one row per imported or held spreadsheet with what
dibao understood of it. A mixin of Catalog; reading a row's review and its areas needs no SQL and stays a
function."""

from __future__ import annotations

import json

from .core import CatalogCore
from .models import now
from .rows import Row
from .scope import Scope


class ImportsMixin(CatalogCore):
    def record_sheet_import(self, file_id: int, source_name: str, folder: str, review: dict, held: bool,
                            reason: str, townships: set[str], villages: set[str]) -> None:
        """What was understood of file `file_id` (replaces an earlier record: a held file imported later)."""
        self.db.execute(
            "INSERT INTO sheet_imports(file_id, source_name, folder, review, held, reason, townships, villages, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(file_id) DO UPDATE SET review = excluded.review,"
            " held = excluded.held, reason = excluded.reason, townships = excluded.townships,"
            " villages = excluded.villages",
            (file_id, source_name, folder, json.dumps(review, ensure_ascii=False), int(held), reason,
             "\n".join(sorted(t for t in townships if t)), "\n".join(sorted(v for v in villages if v)), now()))

    def confirm_sheet_import(self, file_id: int, user: str) -> None:
        self.db.execute("UPDATE sheet_imports SET held = 0, confirmed_by = ?, confirmed_at = ? WHERE file_id = ?",
                        (user, now(), file_id))

    def sheet_import(self, file_id: int) -> Row | None:
        return self.db.execute("SELECT s.*, f.outcome, f.kind, f.stored_path, f.sha256 FROM sheet_imports s"
                               " JOIN files f ON f.id = s.file_id WHERE s.file_id = ?", (file_id,)).fetchone()

    def sheet_imports(self, held_only: bool = False, limit: int = 500) -> list[Row]:
        """Newest first; the held ones only when asked."""
        where = "WHERE s.held = 1" if held_only else ""
        return self.db.execute(f"SELECT s.*, f.outcome, f.kind FROM sheet_imports s JOIN files f ON f.id = s.file_id"
                               f" {where} ORDER BY s.file_id DESC LIMIT ?", (limit,)).fetchall()


def review_of(row: Row) -> dict:
    data: dict = json.loads(row["review"])
    return data


def within(row: Row, scope: Scope) -> bool:
    """Whether every area the file's rows name lies inside `scope` (the whole county sees every file; a file
    that names no 乡镇 stays with the county)."""
    if scope.nothing:
        return False
    if not scope.township and not scope.village and not scope.name:
        return True
    towns = [t for t in row["townships"].split("\n") if t]
    villages = [v for v in row["villages"].split("\n") if v]
    township = scope.township or None
    if not towns or (township and any(t != township for t in towns)):
        return False
    if scope.village:
        return bool(villages) and all(v == scope.village for v in villages)
    return bool(township)
