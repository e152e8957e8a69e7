"""The cadre register (近亲属备案) against the households in 保: who on the list holds benefits, and
whether the household's file carries the 备案 flag. Read-only over the catalog."""

from __future__ import annotations

from archiver.catalog import Catalog, Scope, registers
from archiver.catalog.models import Household, today


def listed_people(cat: Catalog) -> dict[str, registers.RegisterEntry]:
    """ID number → the register entry naming that person (a cadre himself or a declared relative)."""
    out: dict[str, registers.RegisterEntry] = {}
    for e in cat.cadre_register():
        if e.id_number:
            out.setdefault(e.id_number, e)
    return out


def register_households(cat: Catalog, day: str | None = None, scope: Scope | None = None) -> list[dict]:
    """Every person of the register with the households in 保 on `day` that hold them."""
    day = day or today()
    households = {h.id: h for h in cat.households(scope or Scope(), full=True, payments=False) if h.in_care_on(day)}
    out = []
    for e in cat.cadre_register():
        held: list[Household] = []
        if e.id_number:
            held = [households[i] for i in cat.household_ids_by_member(e.id_number) if i in households]
        out.append({"cadre_name": e.cadre_name, "post": e.post, "village": e.village, "name": e.name,
                    "id_number": e.id_number, "relation": e.relation, "declared_on": e.declared_on,
                    "checked_on": e.checked_on, "households": [h.key for h in held],
                    "flagged": all(_flag(h, e.id_number, day) for h in held) if held else None})
    return out


def _flag(h: Household, id_number: str, day: str) -> bool:
    return any(m.cadre_relative for m in h.members_on(day) if m.id_number == id_number)
