"""A first-time applicant's household, registered by staff before any roster names it.

A family applying for 低保 for the first time is in no roster and no change list yet, so its 申请书 and
入户调查表 have nowhere to go (they wait in quarantine) and no notice can post it (拟纳入). Registering it
creates the household under a provisional number (D…), with the application date as a case step entered by
staff; quarantined scans that now route to it are filed at once (the pipeline's own retry). When the change list or
roster that approves it arrives, the import finds it by the head's ID number and gives it its 户编号 — the
same household, its papers and case kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archiver import applications
from archiver.applications import AREA_TYPES, EVERYWHERE, Person
from archiver.catalog import Catalog, Scope
from archiver.catalog.models import provisional_key
from archiver.errors import UserValueError
from archiver.home import Home
from archiver.privacy import mask_id, scrub

__all__ = ["AREA_TYPES", "EVERYWHERE", "Person", "Registered", "parse_member", "register"]


@dataclass
class Registered:
    household_id: int
    key: str
    filed: list[dict[str, Any]] = field(default_factory=list)  # quarantined scans filed to it


def parse_member(text: str) -> Person:
    """`姓名,身份证号,关系` (comma, space or 、 between; the relation may be left off)."""
    parts = [p for p in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if p.strip()]
    if len(parts) < 2:
        raise UserValueError(f"家庭成员应写作“姓名,身份证号,关系”：{mask_id(text)} / member must be NAME,ID[,RELATION]")
    return Person(parts[0].strip(), parts[1].strip(), parts[2].strip() if len(parts) > 2 else "")


def register(home: Home, cat: Catalog, user: str, village: str, head: Person, members: list[Person],
             applied_on: str | None = None, area_type: str = "", address: str = "", phone: str = "",
             scope: Scope = EVERYWHERE, remote: str = "") -> Registered:
    """Create the applicant's household and file what quarantine holds for it (the catalog's after-commit hook
    indexes both)."""
    head = Person(head.name.strip(), head.id_number.strip(), head.relation)  # as typed into a form or a command line
    hid = applications.create(cat, user, village, head, members, applied_on, area_type, address, phone, scope, remote)
    return Registered(hid, provisional_key(hid), _file_waiting(home, cat, hid, user, scope))


def _file_waiting(home: Home, cat: Catalog, household_id: int, user: str, scope: Scope) -> list[dict[str, Any]]:
    """Quarantined scans that now route to a household are filed — the pipeline's own retry, so the rules are
    the ingest's; what reached this (new, so empty) household is what was waiting for it. A township or village
    user's registration retries only what lies in their area (what they uploaded, or with candidates there)."""
    from archiver.documents import retry_quarantined

    retry_quarantined(home, cat, user, None if scope == EVERYWHERE else [scope])
    h = cat.household(household_id)
    return [{"document_id": str(d.document_id), "type": d.type, "source_name": scrub(d.source_name)}
            for d in (h.documents if h is not None else [])]
