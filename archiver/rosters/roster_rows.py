"""A roster (花名册) row: the household, and the member the row names — one row per family or per member,
members without an ID number kept where the sheet says why — with its 分类/档次 and income basis."""

from __future__ import annotations

import re

from archiver.catalog.models import Member

from . import values as v
from .kinds import MISSING_ID, MISSING_ID_WARNING, NO_ID_WORDS, RosterBasis, RosterRow, RowError
from .row import Row, head_columns


def _no_id_reason(id_text: str, remark: str) -> str | None:
    """无户口 / 未落户 … in the ID cell, or an empty ID cell with such a remark: a member without a number."""
    if any(ch.isdigit() for ch in id_text):
        return None
    for t in (id_text, remark):
        word = next((w for w in NO_ID_WORDS if w in t), None)
        if word:
            return t if len(t) <= 30 else word
    return None


def _disability(row: Row) -> str:
    """残疾类别 and 残疾等级 in one cell or two; a 残疾证号 alone says the person holds a certificate."""
    cells = [row.raw("disability")] + [row.cells[c] for c in row.h.spare.get("disability", []) if c < len(row.cells)]
    found = v.disability(*cells)
    if not found and v.disability(row.raw("disability_cert")):
        return "持残疾证"
    health = v.text(row.raw("health")).replace(" ", "")
    if not found and "disability" not in row.h.columns and "残" in health and not re.search(r"[无非未]残", health):
        return health  # no disability column: 健康状况 "肢体残疾三级" says it
    return found


def _cadre(row: Row) -> bool:
    """The 近亲属 flag: its own column (是/√/已备案, or the relation written out), or the 备注 saying so."""
    return v.yes(row.raw("cadre")) or v.cadre_mark(row.raw("cadre")) or v.cadre_mark(row.raw("remark"))


def roster(row: Row) -> RosterRow | None:
    cols = row.h.columns
    per_member = "member_name" in cols and ("head_name" in cols or "relation" in cols) and (
        "member_id" in cols or "head_id" not in cols)
    member: Member | None = None
    head_name = v.name(row.raw("head_name")) if "head_name" in cols else ""
    head_id = ""
    if row.period_conflict():
        return None
    if per_member:
        m_name = v.name(row.raw("member_name"))
        if not m_name:
            row.fail("member_name", "成员姓名为空 / member name is empty")
        id_f = "member_id" if "member_id" in cols else "head_id"
        relation = v.text(row.raw("relation"))
        no_id = _no_id_reason(v.text(row.raw(id_f)), v.text(row.raw("remark")))
        if not no_id and not v.text(row.raw(id_f)) and m_name and relation and relation != "户主":
            # a member row with a name and a relation but no number belongs to the household above: kept
            no_id = MISSING_ID
            row.warnings.append(RowError(row.sheet, row.index + 1, row.label(id_f), MISSING_ID_WARNING))
        info = None if no_id else row.id_info(id_f)
        if "head_id" in cols and "member_id" in cols:
            head_id = row.id_number("head_id", required=not no_id or relation != "户主")
        elif relation == "户主" and info:
            head_id = info.number
            head_name = head_name or m_name
        if info or no_id:
            member = Member(
                name=m_name, id_number=info.number if info else "",
                relation=relation or ("户主" if info and info.number == head_id else ""),
                sex=v.sex(row.raw("sex")) or (info.sex if info else ""),
                birth_date=(row.get("birth_date", v.date) if "birth_date" in cols else None)
                or (info.birth_date.isoformat() if info else None),
                disability=_disability(row), health=v.text(row.raw("health")),
                identity=v.text(row.raw("identity")), cadre_relative=_cadre(row),
                id_original=info.original if info else None, no_id_reason=no_id)
    else:
        name_f, id_f = head_columns(row)
        head_name = v.name(row.raw(name_f))
        info = row.id_info(id_f)
        if info:
            head_id = info.number
            member = Member(head_name, head_id, "户主", v.sex(row.raw("sex")) or info.sex, info.birth_date.isoformat(),
                            _disability(row), v.text(row.raw("health")),
                            v.text(row.raw("identity")), _cadre(row), id_original=info.original)
    household_no = v.text(row.raw("household_no"))
    if not household_no and not head_id and per_member and not (member and member.relation):
        row.fail("household_no", "无法确定所属家庭：缺少户编号和户主身份证号 / cannot tell the household")
    cat_raw = row.raw("category")
    # 一档/二档 are benefit tiers; 一类/二类/三类 are the tier in a 分档 county and the A/B/C review class elsewhere
    # (still kept as the tier the basis shows)
    tier = _tier(cat_raw)
    category = None if tier and (row.ctx.tiered or "档" in v.text(cat_raw)) else v.category(cat_raw)
    if v.text(cat_raw) and category is None and tier is None:
        row.fail("category", f"分类应为A/B/C：{v.text(cat_raw)} / category must be A, B or C")
    if member is not None and "covered" in cols and v.text(row.raw("covered")):
        member.covered = v.yes(row.raw("covered")) or v.text(row.raw("covered")) in ("纳入", "保障", "享受", "在保")
        member.covered_reason = "" if member.covered else v.text(row.raw("covered_reason"))
    return RosterRow(
        row=row.index + 1, household_no=household_no, township=row.township(), village=row.village(),
        head_name=head_name, head_id=head_id, member=member, area_type=row.area_type(), category=category,
        persons=row.get("persons", v.integer), amount=row.get("amount", v.number),
        approved_on=row.get("approved_on", v.date), last_review=row.get("last_review", v.date),
        address=v.text(row.raw("address")), phone=v.text(row.raw("phone")),
        basis=_basis(row, tier), covered_stated="covered" in cols and bool(v.text(row.raw("covered"))),
        bank_account=v.text(row.raw("bank_account")).replace(" ", ""))


def _tier(value: object) -> str | None:
    """一类/二类/三类, 一档, 1类 … as the tier name policy.toml uses (一类, 二类, 三类, 四类)."""
    t = v.text(value).replace("档", "类")
    digits = {"1": "一", "2": "二", "3": "三", "4": "四"}
    t = "".join(digits.get(c, c) for c in t)
    return t if t in ("一类", "二类", "三类", "四类") else None


def _basis(row: Row, tier: str | None) -> RosterBasis | None:
    cols = row.h.columns
    if not set(cols) & {"income_monthly", "income_per_capita", "income_yearly", "income_per_capita_yearly", "tier",
                        "classified_aid"}:
        return None
    monthly = row.get("income_monthly", v.number)
    per_capita = row.get("income_per_capita", v.number)
    yearly_pc = row.get("income_per_capita_yearly", v.number)
    if per_capita is None and yearly_pc is not None:
        per_capita = round(yearly_pc / 12, 2)
    yearly = row.get("income_yearly", v.number)
    if yearly is not None and monthly is None:
        label = row.h.labels.get(cols["income_yearly"], "")
        monthly = yearly if "月" in label else round(yearly / 12, 2)  # 家庭总收入(元/月) is monthly
    aid = v.text(row.raw("classified_aid"))
    tier = tier or _tier(row.raw("tier")) or _tier(aid) or (v.text(row.raw("tier")) or None)
    return RosterBasis(monthly, per_capita, row.get("family_size", v.integer), tier,
                       None if _tier(aid) or aid in ("", "无", "否", "-", "/") else aid)
