"""A first-time applicant's household, registered by staff before any roster names it.

A family applying for 低保 for the first time is in no roster and no change list yet, so its 申请书 and
入户调查表 have nowhere to go (they wait in quarantine) and no notice can post it (拟纳入). Registering it
creates the household under a provisional number (D…), with the application date as a case step entered by
staff; quarantined scans that now route to it are filed at once (the pipeline's own retry). When the change list or
roster that approves it arrives, the import finds it by the head's ID number and gives it its 户编号 — the
same household, its papers and case kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from archiver import idcard
from archiver.catalog import Catalog, Scope, areas
from archiver.catalog.casefacts import add_case_entry
from archiver.catalog.models import Member, provisional_key, today
from archiver.errors import UserValueError
from archiver.home import Home
from archiver.privacy import mask_id, scrub

AREA_TYPES = ("城市", "农村")
EVERYWHERE = Scope()  # the CLI's: the whole archive


@dataclass
class Person:
    name: str
    id_number: str
    relation: str = ""


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
    """Create the applicant's household (every rule checked before anything is written), record the
    application, file what quarantine holds for it, and index it."""
    place = _village(cat, village, scope)
    applied = _date(applied_on)
    if area_type and area_type not in AREA_TYPES:
        raise UserValueError(f"城乡类别应为 城市 或 农村：{area_type} / type must be 城市 or 农村")
    people = [Person(head.name, head.id_number, "户主"), *members]
    parsed = []
    seen: set[str] = set()
    for p in people:
        if not p.name.strip():
            raise UserValueError(f"成员姓名为空（身份证号 {mask_id(p.id_number)}）/ a member has no name")
        try:
            info = idcard.parse(p.id_number)
        except idcard.IDError as exc:
            raise UserValueError(f"{p.name} 的身份证号无效：{exc} / bad ID number") from exc
        if info.number in seen:
            raise UserValueError(f"身份证号重复：{p.name} {mask_id(info.number)} / the same ID twice")
        seen.add(info.number)
        taken = cat.household_ids_by_member(info.number)
        if taken:
            row = cat.household_row(taken[0], scope)  # a household outside the user's area is never named
            if row is None:
                raise UserValueError(f"{p.name}（{mask_id(info.number)}）已是其他地区某户的成员，不能重复登记，请联系县民政局 / "
                                     "already a member of a household outside your area")
            key = row["household_no"] or provisional_key(taken[0])
            raise UserValueError(f"{p.name}（{mask_id(info.number)}）已是户 {key} 的成员，请在该户办理 / "
                                 f"already a member of household {key}")
        parsed.append((p, info))
    with cat.transaction():
        hid = cat.create_household(household_no=None, township=place.township, village=place.village,
                                   area_type=area_type or None, address=address.strip() or None,
                                   phone=phone.strip() or None, head_name=head.name.strip(),
                                   head_id_number=parsed[0][1].number, status="申请中")
        for p, info in parsed:
            cat.add_member(hid, Member(p.name.strip(), info.number, p.relation or ("户主" if p is people[0] else ""),
                                       info.sex, info.birth_date.isoformat(), id_original=info.original))
        add_case_entry(cat, hid, "申请", applied, "登记申请", user)
        key = provisional_key(hid)
        cat.add_change(user, "新建申请户", None, f"{place.township}/{place.village} {head.name} {len(parsed)}人 申请{applied}",
                       household_id=hid)
        cat.audit(user, "household.add", key, f"{place.township}/{place.village} {len(parsed)}人", remote)
        cat.mark_dirty({hid})
    out = Registered(hid, key, _file_waiting(home, cat, hid, user, scope))
    from archiver.index import sync

    sync(home, cat)
    return out


def _village(cat: Catalog, village: str, scope: Scope) -> Scope:
    """The applicant's village: `乡镇/村` (a village not on file yet is accepted by its whole path) or a name
    one township has; inside the registering user's area."""
    place = areas.resolve(cat, village, village_only=True, must_exist=False)  # AreaProblem: a UserError too
    if not place.village:
        raise UserValueError(f"请写明村（社区）：{village} / give the village")
    if (scope.township and scope.township != place.township) or (scope.village and scope.village != place.village):
        raise UserValueError(f"该村不在您的管辖范围内：{village} / not in your area")
    return place


def _date(value: str | None) -> str:
    if not value:
        return today()
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UserValueError(f"申请日期格式应为 YYYY-MM-DD：{value} / bad date") from None


def _file_waiting(home: Home, cat: Catalog, household_id: int, user: str, scope: Scope) -> list[dict[str, Any]]:
    """Quarantined scans that now route to a household are filed — the pipeline's own retry, so the rules are
    the ingest's; what reached this (new, so empty) household is what was waiting for it. A township or village
    user's registration retries only what lies in their area (what they uploaded, or with candidates there)."""
    from archiver.documents import retry_quarantined

    retry_quarantined(home, cat, user, None if scope == EVERYWHERE else [scope])
    h = cat.household(household_id)
    return [{"document_id": str(d.document_id), "type": d.type, "source_name": scrub(d.source_name)}
            for d in (h.documents if h is not None else [])]
