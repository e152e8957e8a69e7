"""Catalog SQL for corrections: the change history, document notes and 回收站, household facts set by
hand (and imports that disagree with them), and a member's coverage set by hand.

A mixin of Catalog, so every statement stays in archiver/catalog/ and callers keep one object.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .core import CatalogCore
from .models import now
from .rows import Row

# household columns a person may correct by hand; a roster import never silently overwrites them
OVERRIDABLE = ("category", "address", "phone", "note")


class CorrectionsMixin(CatalogCore):
    # ------------------------------------------------------------------ history
    def add_change(self, user: str, what: str, before: Any, after: Any, household_id: int | None = None,
                   document_id: int | None = None, member_id: int | None = None, account: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO changes(at, user, household_id, document_id, member_id, what, before, after, account) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), user, household_id, document_id, member_id, what,
             None if before is None else str(before), None if after is None else str(after), account))

    def changes_for(self, household_id: int | None = None, document_id: int | None = None,
                    account: str | None = None) -> list[Row]:
        """A household's trail (its own facts, its members, and every document ever filed to it), one
        document's, or one user account's ("" for every account's)."""
        if account is not None:
            if account:
                return self.db.execute("SELECT * FROM changes WHERE account = ? ORDER BY id", (account,)).fetchall()
            return self.db.execute("SELECT * FROM changes WHERE account IS NOT NULL ORDER BY id").fetchall()
        if document_id is not None:
            return self.db.execute("SELECT * FROM changes WHERE document_id = ? ORDER BY id", (document_id,)).fetchall()
        return self.db.execute(
            "SELECT * FROM changes WHERE household_id = ? OR member_id IN (SELECT id FROM members WHERE household_id = ?) "
            "OR document_id IN (SELECT id FROM documents WHERE household_id = ?) ORDER BY id",
            (household_id, household_id, household_id)).fetchall()

    # ------------------------------------------------------------------ documents
    def set_document_fields(self, document_id: int, **fields: Any) -> None:
        allowed = {"household_id", "type", "date", "note", "path", "trashed_at", "trashed_by", "trash_reason"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"not a correctable document field: {bad}")
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(f"UPDATE documents SET {sets} WHERE id = ?", [*fields.values(), document_id])

    def trashed_documents(self, where: str = "1=1", args: Sequence[Any] = ()) -> list[Row]:
        return self.db.execute(
            "SELECT d.*, h.household_no, h.township, h.village, h.head_name FROM documents d "
            f"JOIN households h ON h.id = d.household_id WHERE d.trashed_at IS NOT NULL AND {where} "
            "ORDER BY d.trashed_at DESC, d.id", list(args)).fetchall()

    def repoint_file(self, old_path: str, new_path: str) -> None:
        """An input file kept whole as a document's file follows that document's move."""
        self.db.execute("UPDATE files SET stored_path = ? WHERE stored_path = ?", (new_path, old_path))

    def move_document_facts(self, document_id: int, household_id: int) -> None:
        """Facts read from a document (a 复核 event) follow it to its new household."""
        self.db.execute("UPDATE events SET household_id = ? WHERE document_id = ?", (household_id, document_id))

    def drop_document_events(self, document_id: int) -> None:
        self.db.execute("DELETE FROM events WHERE document_id = ?", (document_id,))

    # ------------------------------------------------------------------ households set by hand
    def set_household_fields(self, household_id: int, user: str, **fields: Any) -> None:
        """A correction: the columns change and each is remembered as set by hand."""
        bad = set(fields) - set(OVERRIDABLE)
        if bad:
            raise ValueError(f"not a correctable household field: {bad}")
        if not fields:
            return
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(f"UPDATE households SET {sets}, updated_at = ? WHERE id = ?",
                        [*fields.values(), now(), household_id])
        for k, v in fields.items():
            self.db.execute("INSERT INTO household_overrides(household_id, field, value, at, user) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(household_id, field) DO UPDATE SET "
                            "value = excluded.value, at = excluded.at, user = excluded.user", (household_id, k, v, now(), user))
            self.db.execute("UPDATE import_conflicts SET resolved_at = ? WHERE household_id = ? AND field = ? "
                            "AND resolved_at IS NULL", (now(), household_id, k))

    def guard_overrides(self, household_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        """An import's household fields less those a person corrected; a disagreeing value is recorded."""
        rows = self.db.execute("SELECT field, value FROM household_overrides WHERE household_id = ?",
                               (household_id,)).fetchall()
        if not rows:
            return fields
        manual = {r["field"]: r["value"] for r in rows}
        out = {}
        for k, v in fields.items():
            if k not in manual:
                out[k] = v
            elif v not in (None, "") and str(v) != (manual[k] or ""):
                self.db.execute("INSERT OR IGNORE INTO import_conflicts(household_id, field, manual, imported, at) "
                                "VALUES (?, ?, ?, ?, ?)", (household_id, k, manual[k], str(v), now()))
        return out

    def import_conflicts(self, household_id: int, open_only: bool = True) -> list[Row]:
        extra = " AND resolved_at IS NULL" if open_only else ""
        return self.db.execute(f"SELECT * FROM import_conflicts WHERE household_id = ?{extra} ORDER BY id",
                               (household_id,)).fetchall()

    def member_by_id_number(self, id_number: str) -> list[Row]:
        return self.db.execute("SELECT * FROM members WHERE id_number = ? ORDER BY removed_on IS NOT NULL, id",
                               (id_number,)).fetchall()

    def set_member_coverage(self, member_id: int, covered: bool, reason: str | None) -> None:
        self.db.execute("UPDATE members SET covered = ?, covered_reason = ? WHERE id = ?",
                        (int(covered), reason, member_id))
        self.db.execute("UPDATE households SET updated_at = ? WHERE id = (SELECT household_id FROM members WHERE id = ?)",
                        (now(), member_id))
