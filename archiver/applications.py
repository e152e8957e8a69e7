"""A first-time applicant's household in the catalog: made when staff register the family (`dibao household
add`, the web's 登记首次申请的家庭 — archiver/applicants.py files what waited for it) or from the family's own
申请书 when the page says plainly who applies and where they live (the ingest's routing calls
`from_application` for a 申请书 that names no household on file). Only catalog writes live here, so the
document steps can use it without importing the filing that uses them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from archiver import classify, idcard
from archiver.catalog import Catalog, Scope, areas
from archiver.catalog.models import Member, provisional_key, today
from archiver.errors import UserValueError
from archiver.privacy import mask_id, scrub

log = logging.getLogger("dibao.applicants")
AREA_TYPES = ("城市", "农村")
EVERYWHERE = Scope()  # the CLI's: the whole archive
BY_APPLICATION = "dibao:申请书"  # the trail's user for a household made from an application page


@dataclass
class Person:
    name: str
    id_number: str
    relation: str = ""


def create(cat: Catalog, user: str, village: str, head: Person, members: list[Person], applied_on: str | None = None,
           area_type: str = "", address: str = "", phone: str = "", scope: Scope = EVERYWHERE, remote: str = "") -> int:
    """The applicant's household (every rule checked before anything is written) with the application as its
    first case step; returns its id."""
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
        cat.add_case_entry(hid, "申请", applied, "登记申请", user)
        key = provisional_key(hid)
        cat.add_change(user, "新建申请户", None, f"{place.township}/{place.village} {head.name} {len(parsed)}人 申请{applied}",
                       household_id=hid)
        cat.audit(user, "household.add", key, f"{place.township}/{place.village} {len(parsed)}人", remote)
        cat.mark_dirty({hid})
    return hid


# An application as families write it: "本人杨小平，男，38岁，身份证号码：…，家住…新民村5组" / "申请人：杨小平"
_APPLICANT = re.compile(r"本人([\u4e00-\u9fff]{2,4})[，,][男女]|(?:申请人|姓名)[:：]?([\u4e00-\u9fff]{2,4})(?=[\s，,（(]|$)",
                        re.M)


def from_application(cat: Catalog, text: str, filename: str, user: str) -> int | None:
    """A first-time applicant's household from their own 申请书, when the page says plainly who applies: one
    applicant name, a valid ID number that no household holds, and an address naming one village on file
    (the folder or file name may name the township). Anything less is left to staff (the page waits in
    quarantine with its reason), since a household made from a misread page would be worse than none."""
    simple = classify.simplified(text).replace(" ", "")
    if classify.doc_type(simple) != "申请书":
        return None
    numbers = idcard.find_all(simple)
    if len(numbers) != 1 or cat.household_ids_by_member(numbers[0], False):
        return None
    names = {a or b for a, b in _APPLICANT.findall(simple)}
    if len(names) != 1:
        return None
    place = _named_village(cat, re.sub(r"\s+", "", simple), classify.simplified(filename))  # 新民\n村: a line break
    if place is None:
        return None
    try:
        return create(cat, user, place, Person(names.pop(), numbers[0]), [], classify.doc_date(simple, filename))
    except UserValueError as exc:  # e.g. a date the page gives wrongly: staff register it by hand
        log.info("application page not registered: %s", scrub(str(exc)))
        return None


def _named_village(cat: Catalog, text: str, filename: str) -> str | None:
    """`乡镇/村` of the one village on file the text names (its township named too where the village name
    alone is not unique)."""
    hits = [(t, v) for t, vs in cat.area_names().items() for v in vs if t and v and v in text]
    if len({v for _, v in hits}) > 1:
        hits = [(t, v) for t, v in hits if t in text or t in filename]
    return f"{hits[0][0]}{areas.SEP}{hits[0][1]}" if len(hits) == 1 else None


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


_CARD = re.compile(r"常住人口登记卡")
_CARD_NAME = re.compile(r"姓名\s*([\u4e00-\u9fff]{2,4}?)(?=\s|户主|性别|民族|$)", re.M)
_CARD_RELATION = re.compile(r"户主或与户主关系\s*[.。:：]?\s*([\u4e00-\u9fff]{1,4}?)(?=\s|性别|民族|$)", re.M)


def members_from_register(cat: Catalog, household_id: int, text: str, user: str = BY_APPLICATION) -> int:
    """An applicant's 户口簿 filed to their household names the family: each 常住人口登记卡 with a name and a valid
    ID no household holds becomes a member (an applicant's family is known from its papers, not from a roster).
    Only while the household is 申请中; returns how many were added. Inside the caller's transaction."""
    row = cat.household_row(household_id)
    if row is None or row["status"] != "申请中":
        return 0
    added = 0
    for card in _CARD.split(classify.simplified(text))[1:]:
        name, numbers = _CARD_NAME.search(card), idcard.find_all(card)
        if name is None or len(numbers) != 1 or cat.household_ids_by_member(numbers[0], False):
            continue
        relation = _CARD_RELATION.search(card)
        info = idcard.parse(numbers[0])
        cat.add_member(household_id, Member(name.group(1), info.number, relation.group(1) if relation else "",
                                            info.sex, info.birth_date.isoformat(), id_original=info.original))
        cat.add_change(user, "户口簿登记成员", None, f"{name.group(1)} {mask_id(info.number)}", household_id=household_id)
        added += 1
    if added:
        cat.mark_dirty({household_id})
    return added
