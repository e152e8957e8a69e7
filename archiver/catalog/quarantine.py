"""The quarantine aggregate: input that could not be filed (a scan naming no household, a sheet held back),
the households each item might belong to (stored structured, not only as display text), and its review —
filed, rejected, or split into items of their own.

A mixin of Catalog: every statement stays in archiver/catalog/ and callers keep one object.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..privacy import scrub
from .households import HouseholdsMixin
from .models import now
from .rows import Row


class QuarantineMixin(HouseholdsMixin):
    """Builds on the households: a candidate typed as a 户编号 or ID number is stored as the household it names."""

    def add_quarantine(self, file_id: int, source_name: str, reason: str, path: str | None,
                       candidates: Sequence[str] = (), pages: str | None = None, text: str | None = None) -> int:
        item_id = self._insert("quarantine", {  # a reason may quote an exception that quotes a file name: masked
            "file_id": file_id, "source_name": source_name, "reason": scrub(reason), "path": path,
            "candidates": json.dumps(list(candidates), ensure_ascii=False), "pages": pages, "text": text,
            "created_at": now()}) or 0
        self.set_quarantine_candidates(item_id, self._candidate_ids(candidates))
        return item_id

    def _candidate_ids(self, candidates: Sequence[str]) -> list[int]:
        """Display strings such as `5201010010003（东风社区 蔡佳怡）` → household ids (stored structured)."""
        out = []
        for c in candidates:
            hid = self.resolve_key(str(c).split("（", 1)[0].strip())
            if hid is not None and hid not in out:
                out.append(hid)
        return out

    def quarantine_items(self, include_resolved: bool = False) -> list[Row]:
        where = "" if include_resolved else "WHERE resolved_at IS NULL"
        return self.db.execute(f"SELECT * FROM quarantine {where} ORDER BY id").fetchall()

    def quarantine_item(self, item_id: int) -> Row | None:
        return self.db.execute("SELECT * FROM quarantine WHERE id = ?", (item_id,)).fetchone()

    def update_quarantine(self, item_id: int, reason: str, candidates: Sequence[str]) -> None:
        self._update("quarantine", item_id, {"reason": scrub(reason),
                                             "candidates": json.dumps(list(candidates), ensure_ascii=False)})
        self.set_quarantine_candidates(item_id, self._candidate_ids(candidates))

    def resolve_quarantine(self, item_id: int, document_id: int | None) -> None:
        self._update("quarantine", item_id, {"resolved_at": now(), "resolved_document_id": document_id})

    # ------------------------------------------------------------------ quarantine review
    def set_quarantine_candidates(self, item_id: int, household_ids: Sequence[int]) -> None:
        self.db.execute("DELETE FROM quarantine_candidates WHERE item_id = ?", (item_id,))
        self.db.executemany("INSERT OR IGNORE INTO quarantine_candidates(item_id, household_id) VALUES (?, ?)",
                            [(item_id, h) for h in household_ids])

    def quarantine_candidates(self, item_id: int, where: str = "1=1", args: Sequence[Any] = ()) -> list[Row]:
        return self.db.execute(
            "SELECT h.id, h.household_no, h.township, h.village, h.head_name FROM quarantine_candidates c "
            f"JOIN households h ON h.id = c.household_id WHERE c.item_id = ? AND {where} ORDER BY h.id",
            [item_id, *args]).fetchall()

    def quarantine_all(self) -> list[Row]:
        return self.db.execute("SELECT * FROM quarantine ORDER BY id").fetchall()

    def reject_quarantine(self, item_id: int, reason: str, user: str) -> None:
        self.db.execute("UPDATE quarantine SET resolved_at = ?, rejected_reason = ?, closed_by = ? WHERE id = ?",
                        (now(), reason, user, item_id))

    def split_quarantine(self, item_id: int, pages: str, text: str, rest_pages: str, rest_text: str) -> int:
        """Some pages of an open item become an item of their own (to be filed); the item keeps the rest."""
        q = self.db.execute("SELECT * FROM quarantine WHERE id = ?", (item_id,)).fetchone()
        cur = self.db.execute(
            "INSERT INTO quarantine(file_id, source_name, reason, candidates, path, pages, text, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (q["file_id"], q["source_name"], q["reason"], q["candidates"], q["path"], pages, text, now()))
        new_id = int(cur.lastrowid or 0)
        self.db.execute("INSERT INTO quarantine_candidates(item_id, household_id) "
                        "SELECT ?, household_id FROM quarantine_candidates WHERE item_id = ?", (new_id, item_id))
        self.db.execute("UPDATE quarantine SET pages = ?, text = ? WHERE id = ?", (rest_pages, rest_text, item_id))
        return new_id

