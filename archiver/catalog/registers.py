"""SQL for the benefit basis and the county's registers: incomes, 分档/分类施保 facts, the cadre register
(近亲属备案) and the deaths list. Functions over a Catalog, so Catalog itself stays small."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import Income, now

if TYPE_CHECKING:
    from . import Catalog


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


# ---------------------------------------------------------------------- incomes and household basis facts
def add_income(cat: Catalog, household_id: int, income: Income, source_file_id: int | None = None,
               row: int | None = None, user: str | None = None) -> bool:
    """Record an income statement; the same statement from the same source twice is one row."""
    cur = cat.db.execute(
        "INSERT OR IGNORE INTO incomes(household_id, date, monthly_total, per_capita, persons, source, source_file_id, "
        "source_row, user, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (household_id, income.date, income.monthly_total, income.per_capita, income.persons, income.source,
         source_file_id, row, user, now()))
    return bool(cur.rowcount)


def set_basis_facts(cat: Catalog, household_id: int, tier: str | None = None, aid_categories: str | None = None) -> None:
    """The 分档 tier and 分类施保 categories a roster states (only what it states: None leaves a value alone)."""
    if tier:
        cat.db.execute("UPDATE households SET benefit_tier = ? WHERE id = ?", (tier, household_id))
    if aid_categories:
        cat.db.execute("UPDATE households SET aid_categories = ? WHERE id = ?", (aid_categories, household_id))


# ---------------------------------------------------------------------- cadre register
def import_register(cat: Catalog, entries: list[RegisterEntry], source_file: str) -> tuple[int, int]:
    """Add or update cadres and their relatives; returns (cadres, relatives) written. Nothing is removed:
    a later list that omits someone does not erase the county's record of a past declaration."""
    cadres = relatives = 0
    stamp = now()
    with cat.transaction():
        for e in entries:
            row = cat.db.execute("SELECT id FROM cadres WHERE id_number = ?", (e.cadre_id,)).fetchone()
            if row is None:
                cid = cat.db.execute("INSERT INTO cadres(name, id_number, post, village, source_file, imported_at) "
                                     "VALUES (?,?,?,?,?,?)", (e.cadre_name, e.cadre_id, e.post, e.village, source_file,
                                                              stamp)).lastrowid
                cadres += 1
            else:
                cid = int(row[0])
                cat.db.execute("UPDATE cadres SET name = ?, post = coalesce(nullif(?, ''), post), "
                               "village = coalesce(nullif(?, ''), village) WHERE id = ?",
                               (e.cadre_name, e.post, e.village, cid))
            if e.relation == "本人":
                continue
            cur = cat.db.execute(
                "INSERT INTO cadre_relatives(cadre_id, name, id_number, relation, declared_on, checked_on, source_file, "
                "imported_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(cadre_id, id_number, name) DO UPDATE SET "
                "relation = excluded.relation, declared_on = coalesce(excluded.declared_on, declared_on), "
                "checked_on = coalesce(excluded.checked_on, checked_on)",
                (cid, e.name, e.id_number or "", e.relation, e.declared_on, e.checked_on, source_file, stamp))
            relatives += cur.rowcount
    return cadres, relatives


def register(cat: Catalog) -> list[RegisterEntry]:
    """Every listed person: each cadre (relation 本人) followed by their declared relatives."""
    out: list[RegisterEntry] = []
    for c in cat.db.execute("SELECT * FROM cadres ORDER BY village, name, id"):
        out.append(RegisterEntry(c["name"], c["id_number"], c["post"] or "", c["village"] or "", c["name"],
                                 c["id_number"], "本人", None, None))
        for r in cat.db.execute("SELECT * FROM cadre_relatives WHERE cadre_id = ? ORDER BY id", (c["id"],)):
            out.append(RegisterEntry(c["name"], c["id_number"], c["post"] or "", c["village"] or "", r["name"],
                                     r["id_number"] or "", r["relation"], r["declared_on"], r["checked_on"]))
    return out


# ---------------------------------------------------------------------- deaths
def add_deaths(cat: Catalog, deaths: list[tuple[str, str, str | None, int]], source_file: str) -> int:
    """(name, ID number, date of death, row) from a death or cremation list; a repeated entry is one row."""
    added = 0
    stamp = now()
    with cat.transaction():
        for name, number, died_on, row in deaths:
            cur = cat.db.execute("INSERT OR IGNORE INTO deaths(name, id_number, died_on, source_file, source_row, "
                                 "imported_at) VALUES (?,?,?,?,?,?)", (name, number, died_on, source_file, row, stamp))
            added += cur.rowcount
    return added


def deaths(cat: Catalog) -> dict[str, Death]:
    """ID number → the earliest recorded death."""
    out: dict[str, Death] = {}
    for r in cat.db.execute("SELECT * FROM deaths ORDER BY coalesce(died_on, '9999'), id"):
        out.setdefault(r["id_number"], Death(r["name"], r["id_number"], r["died_on"], r["source_file"] or ""))
    return out
