"""The registers aggregate: the county's registers beside the households — the cadre register (近亲属备案)
and the deaths list. A mixin of Catalog (a household's incomes and basis facts are the households')."""

from __future__ import annotations

from dataclasses import dataclass

from .core import CatalogCore
from .models import now


@dataclass
class RegisterEntry:
    """One person of the cadre register: a cadre (relation 本人) or a declared close relative."""

    cadre_name: str
    cadre_id: str
    post: str
    village: str
    name: str
    id_number: str
    relation: str
    declared_on: str | None
    checked_on: str | None


@dataclass
class Death:
    name: str
    id_number: str
    died_on: str | None
    source_file: str


class RegistersMixin(CatalogCore):
    # ------------------------------------------------------------------ cadre register
    def import_register(self, entries: list[RegisterEntry], source_file: str) -> tuple[int, int]:
        """Add or update cadres and their relatives; returns (cadres, relatives) written. Nothing is removed:
        a later list that omits someone does not erase the county's record of a past declaration."""
        cadres = relatives = 0
        stamp = now()
        with self.transaction():
            for e in entries:
                row = self.db.execute("SELECT id FROM cadres WHERE id_number = ?", (e.cadre_id,)).fetchone()
                if row is None:
                    cid = self.db.execute("INSERT INTO cadres(name, id_number, post, village, source_file, imported_at) "
                                          "VALUES (?,?,?,?,?,?)", (e.cadre_name, e.cadre_id, e.post, e.village, source_file,
                                                                   stamp)).lastrowid
                    cadres += 1
                else:
                    cid = int(row[0])
                    self.db.execute("UPDATE cadres SET name = ?, post = coalesce(nullif(?, ''), post), "
                                    "village = coalesce(nullif(?, ''), village) WHERE id = ?",
                                    (e.cadre_name, e.post, e.village, cid))
                if e.relation == "本人":
                    continue
                cur = self.db.execute(
                    "INSERT INTO cadre_relatives(cadre_id, name, id_number, relation, declared_on, checked_on, source_file, "
                    "imported_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(cadre_id, id_number, name) DO UPDATE SET "
                    "relation = excluded.relation, declared_on = coalesce(excluded.declared_on, cadre_relatives.declared_on), "
                    "checked_on = coalesce(excluded.checked_on, cadre_relatives.checked_on)",
                    (cid, e.name, e.id_number or "", e.relation, e.declared_on, e.checked_on, source_file, stamp))
                relatives += cur.rowcount
        return cadres, relatives

    def cadre_register(self) -> list[RegisterEntry]:
        """Every listed person: each cadre (relation 本人) followed by their declared relatives."""
        out: list[RegisterEntry] = []
        for c in self.db.execute("SELECT * FROM cadres ORDER BY village, name, id"):
            out.append(RegisterEntry(c["name"], c["id_number"], c["post"] or "", c["village"] or "", c["name"],
                                     c["id_number"], "本人", None, None))
            for r in self.db.execute("SELECT * FROM cadre_relatives WHERE cadre_id = ? ORDER BY id", (c["id"],)):
                out.append(RegisterEntry(c["name"], c["id_number"], c["post"] or "", c["village"] or "", r["name"],
                                         r["id_number"] or "", r["relation"], r["declared_on"], r["checked_on"]))
        return out

    # ------------------------------------------------------------------ deaths
    def add_deaths(self, deaths: list[tuple[str, str, str | None, int]], source_file: str) -> int:
        """(name, ID number, date of death, row) from a death or cremation list; a repeated entry is one row."""
        added = 0
        stamp = now()
        with self.transaction():
            for name, number, died_on, row in deaths:
                cur = self.db.execute("INSERT OR IGNORE INTO deaths(name, id_number, died_on, source_file, source_row, "
                                      "imported_at) VALUES (?,?,?,?,?,?)", (name, number, died_on, source_file, row, stamp))
                added += cur.rowcount
        return added

    def deaths(self) -> dict[str, Death]:
        """ID number → the earliest recorded death."""
        out: dict[str, Death] = {}
        for r in self.db.execute("SELECT * FROM deaths ORDER BY coalesce(died_on, '9999'), id"):
            out.setdefault(r["id_number"], Death(r["name"], r["id_number"], r["died_on"], r["source_file"] or ""))
        return out
