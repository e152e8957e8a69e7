"""The case facts aggregate: facts read from filed forms (document_facts) and the steps of a case staff
record by hand (case_entries), which the case timeline reads.

A mixin of Catalog: every statement stays in archiver/catalog/ and callers keep one object.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import now
from .users import UsersMixin

_CHUNK = 900  # below SQLite's bound-parameter limit


class CaseFactsMixin(UsersMixin):
    """Builds on the users: a step recorded by hand is audited in its transaction."""

    def add_document_facts(self, document_id: int, facts: dict[str, str]) -> None:
        """Inside the caller's transaction (the one that adds the document)."""
        self.db.executemany("INSERT INTO document_facts(document_id, name, value) VALUES (?, ?, ?) "
                            "ON CONFLICT(document_id, name) DO UPDATE SET value = excluded.value",
                            [(document_id, k, str(v)) for k, v in facts.items() if v is not None and v != ""])

    def document_facts(self, document_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        ids = list(document_ids)
        out: dict[int, dict[str, str]] = {}
        for i in range(0, len(ids), _CHUNK):
            part = ids[i: i + _CHUNK]
            marks = ",".join("?" * len(part))
            for r in self.db.execute(f"SELECT document_id, name, value FROM document_facts WHERE document_id IN ({marks})",
                                     part):
                out.setdefault(int(r[0]), {})[str(r[1])] = str(r[2])
        return out

    def add_case_entry(self, household_id: int, step: str, date: str, detail: str, user: str) -> int:
        with self.transaction():
            cur = self.db.execute("INSERT INTO case_entries(household_id, step, date, detail, user, at) VALUES (?,?,?,?,?,?)",
                                  (household_id, step, date, detail, user, now()))
            self.audit(user, "case.record", str(household_id), f"{step} {date} {detail}")
            return int(cur.lastrowid or 0)

    def case_entries(self, household_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        ids = list(household_ids)
        out: dict[int, list[dict[str, Any]]] = {}
        for i in range(0, len(ids), _CHUNK):
            part = ids[i: i + _CHUNK]
            marks = ",".join("?" * len(part))
            for r in self.db.execute(f"SELECT * FROM case_entries WHERE household_id IN ({marks}) ORDER BY date, id", part):
                out.setdefault(int(r["household_id"]), []).append(dict(r))
        return out

    def entries_mark(self) -> str:
        """Changes whenever a step is recorded by hand (part of a cache key, with Catalog.change_mark)."""
        return str(self.db.execute("SELECT max(id) FROM case_entries").fetchone()[0])
