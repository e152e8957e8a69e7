"""Apply a parsed sheet to the catalog: households, members, events, snapshots and payments.

Runs inside the caller's transaction, so a file imports whole or not at all. Re-importing the same
rows changes nothing (events, snapshots and payments are unique by content).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from archiver import idcard, places
from archiver.catalog import Catalog
from archiver.catalog.models import Event, Income, Member, Snapshot, today

from . import kinds as k
from . import slips
from .sheets import ParsedSheet


@dataclass
class ImportResult:
    kind: str
    sheet_date: str | None
    rows: int = 0
    errors: list[k.RowError] = field(default_factory=list)
    warnings: list[k.RowError] = field(default_factory=list)
    households_created: int = 0
    events_added: int = 0
    payments_added: int = 0
    members_added: int = 0
    touched: set[int] = field(default_factory=set)


def apply(catalog: Catalog, sheets: list[ParsedSheet], file_id: int,
          progress: Callable[[int], None] | None = None) -> ImportResult:
    result = ImportResult(kind=sheets[0].parsed.kind, sheet_date=sheets[0].sheet_date)
    for s in sheets:
        result.errors += s.parsed.errors
        result.warnings += s.parsed.warnings
        if s.parsed.kind == k.ROSTER:
            _apply_roster(catalog, s, file_id, result, progress)
        elif s.parsed.kind == k.CHANGE:
            for row in s.parsed.rows:
                hid = _household_for(catalog, row, result, s.name)
                if hid is None:
                    continue
                result.events_added += catalog.add_event(hid, row.event, file_id)
                result.rows += 1
                if progress:
                    progress(1)
        else:
            for row in s.parsed.rows:
                hid = _household_for(catalog, row, result, s.name)
                if hid is None:
                    continue
                current = catalog.household_row(hid)
                for pay in row.payments:
                    if current is not None and not pay.township:  # money counts where its household lives
                        pay.township, pay.village = current["township"] or "", pay.village or current["village"] or ""
                    result.payments_added += catalog.add_payment(hid, pay, file_id, row.row)
                account = next((p.bank_account for p in row.payments if p.bank_account), "")
                if account and current is not None and not current["bank_account"]:
                    catalog.update_household(hid, bank_account=account)
                result.rows += 1
                if progress:
                    progress(1)
    return result


def report_detail(sheets: list[ParsedSheet], result: ImportResult) -> dict:
    """What the import report says beyond counts: where each sheet's 乡镇, type and period came from, the
    decisions taken about its columns, and rows imported but worth a look."""
    return {
        "context": sheets[0].context,
        "sheets": [{"sheet": s.name, "kind": s.parsed.kind, "context": s.context, "notes": s.notes} for s in sheets],
        "warnings": [{"sheet": w.sheet, "row": w.row, "column": w.column, "reason": w.reason} for w in result.warnings],
    }


def _household_for(catalog: Catalog, row: k.ChangeRow | k.PaymentRow, result: ImportResult, sheet: str) -> int | None:
    """The household a change or payment row means: by 户编号, else by its head, else by the one household
    the person is in; a new household when the ID is known nowhere. A 户编号 alone that names no household
    is a rejected row (we never create a household without a person)."""
    hid = catalog.household_id_by_no(row.household_no) if row.household_no else None
    if hid is None and row.head_id:
        ids = catalog.household_ids_by_head(row.head_id) or catalog.household_ids_by_member(row.head_id)
        hid = ids[0] if ids else None
        if hid is None:
            hid, row.head_id = _slipped_household(catalog, row.head_id, row.head_name, row.slips.get(row.head_id),
                                                  result, sheet, row.row)
        if hid is not None and row.household_no:  # known so far by its head only: it now has its 户编号
            known = catalog.household_row(hid)
            if known is not None and not known["household_no"]:
                catalog.update_household(hid, household_no=row.household_no)
        if hid is None:
            hid = catalog.create_household(household_no=row.household_no or None, township=row.township,
                                           village=row.village, head_name=row.head_name, head_id_number=row.head_id)
            catalog.add_member(hid, _member_from_id(row.head_name, row.head_id, "户主"))
            result.households_created += 1
    if hid is None and not row.household_no and not row.head_id and isinstance(row, k.PaymentRow):
        return _household_by_account(catalog, row, result, sheet)
    if hid is None:
        result.errors.append(k.RowError(sheet, row.row, "户编号", f"户编号{row.household_no}不在档案中，且没有户主身份证号 / "
                                                                  "unknown household number and no ID"))
        return None
    result.touched.add(hid)
    return hid


def _member_from_id(name: str, id_number: str, relation: str) -> Member:
    from archiver import idcard

    info = idcard.parse(id_number)
    return Member(name=name, id_number=id_number, relation=relation, sex=info.sex, birth_date=info.birth_date.isoformat())


def _household_by_account(catalog: Catalog, row: k.PaymentRow, result: ImportResult, sheet: str) -> int | None:
    """A bank export's row (账号, 户名, 金额): the one household whose account on file it is. No household or
    two are a row for review, never a guess; an account holder who is nobody of the household is a warning."""
    account = next((p.bank_account for p in row.payments if p.bank_account), "")
    ids = catalog.household_ids_by_account(account) if account else []
    tail = f"尾号{account[-4:]}" if len(account) >= 4 else ""
    if len(ids) != 1:
        why = "档案中没有哪一户登记了此账号" if not ids else f"档案中有{len(ids)}户登记了同一账号"
        result.errors.append(k.RowError(sheet, row.row, "账号", f"账号{tail}无法对应到家庭：{why}，请人工核对后补录 / "
                                                               f"account matches {len(ids)} households: for review"))
        return None
    hid = ids[0]
    holder = next((p.account_holder for p in row.payments if p.account_holder), "")
    names = {m["name"] for m in catalog.members_rows(hid)} | {(catalog.household_row(hid) or {"head_name": ""})["head_name"]}
    if holder and not any(places.same_person_name(holder, n or "") for n in names):
        result.warnings.append(k.RowError(sheet, row.row, "户名", f"账号{tail}的户名不是该户成员，请核对 / "
                                                                 "account holder is no member of the household"))
    result.touched.add(hid)
    return hid


def _slipped_household(catalog: Catalog, head_id: str, head_name: str, column: str | None, result: ImportResult,
                       sheet: str, row: int) -> tuple[int | None, str]:
    """(household, head's number) for a head no household is filed under: a slipped number (`column` says
    where it was read) finds the head on file one digit away; a valid one finds a household filed under its
    slip, which then takes the valid number."""
    if column is not None:
        found = slips.household_of_slip(catalog, head_id, head_name)
        result.warnings.append(k.RowError(sheet, row, column, slips.SLIP_MATCHED if found else slips.SLIP_KEPT))
        return (found[0], found[1]) if found else (None, head_id)
    filed = slips.household_filed_under_slip(catalog, head_id, head_name)
    if filed is None:
        return None, head_id
    hid, slipped = filed
    catalog.update_household(hid, head_id_number=head_id)
    for m in catalog.members_rows(hid):
        if m["id_number"] == slipped:
            catalog.update_member(int(m["id"]), id_number=head_id)
    return hid, head_id


def _settle_slip(catalog: Catalog, m: Member, r: k.RosterRow, rows: list[k.RosterRow], existing: dict,
                 result: ImportResult, sheet: str) -> bool:
    """A member's slipped number: the same name listed with a valid number one digit away on this sheet is a
    duplicate row (False); on file, that person; else kept as written. A valid number finds its slip on
    file and corrects it. `existing` is re-keyed when a number on file changes."""
    on_file = {row["id_number"]: row["name"] for row in existing.values() if row["id_number"]}
    column = r.slips.get(m.id_number)
    if column is not None:
        listed = {x.member.id_number: x.member.name for x in rows
                  if x.member and x.member.id_number and x.member.id_number not in x.slips}
        if slips.same_person(m.id_number, m.name, listed):
            result.errors.append(k.RowError(sheet, r.row, column, slips.SLIP_DUPLICATE))
            return False
        twin = slips.same_person(m.id_number, m.name, {n: x for n, x in on_file.items() if idcard.is_valid(n)})
        if r.head_id != m.id_number:  # the head's own row was reported with the household
            result.warnings.append(k.RowError(sheet, r.row, column, slips.SLIP_MATCHED if twin else slips.SLIP_KEPT))
        m.id_number = twin or m.id_number
        return True
    key = _member_key(m.id_number, m.name)
    if m.id_number and key not in existing and on_file:
        slipped = slips.same_person(m.id_number, m.name, {n: x for n, x in on_file.items() if slips.one_apart(n, m.id_number)
                                                          and not idcard.is_valid(n)})
        if slipped:
            old = existing.pop(slipped)
            catalog.update_member(int(old["id"]), id_number=m.id_number)
            existing[key] = {**dict(old), "id_number": m.id_number}
    return True


NOT_LISTED = "花名册按保障人数列出保障对象，未列入此人 / not listed among the covered persons"


def _member_key(id_number: str | None, name: str) -> str:
    """Members are matched by ID number; one without (无户口) only by name, never by an empty ID."""
    return id_number or f"无身份证号:{places.fold_text(name)}"


def _group(rows: list[k.RosterRow]) -> list[list[k.RosterRow]]:
    groups: dict[tuple[str, str], list[k.RosterRow]] = {}
    last: tuple[str, str] | None = None
    for r in rows:
        key = ("no", r.household_no) if r.household_no else (("id", r.head_id) if r.head_id else last)
        if key is None:
            continue
        groups.setdefault(key, []).append(r)
        last = key
    return list(groups.values())


def _apply_roster(catalog: Catalog, s: ParsedSheet, file_id: int, result: ImportResult,
                  progress: Callable[[int], None] | None) -> None:
    for rows in _group(s.parsed.rows):
        _apply_household(catalog, rows, s.sheet_date, s.parsed.per_member, file_id, result, s.name)
        result.rows += len(rows)
        if progress:
            progress(len(rows))


def _apply_household(catalog: Catalog, rows: list[k.RosterRow], sheet_date: str | None, per_member: bool,
                     file_id: int, result: ImportResult, sheet: str = "") -> None:
    first = rows[0]
    heads = [r.member for r in rows if r.member and r.member.relation == "户主"]
    head_id = first.head_id or (heads[0].id_number if heads else "")
    head_name = first.head_name or (heads[0].name if heads else "")
    hid = catalog.household_id_by_no(first.household_no) if first.household_no else None
    if hid is None and head_id:
        for candidate in catalog.household_ids_by_head(head_id):
            row = catalog.household_row(candidate)
            if row is not None and (not first.household_no or not row["household_no"]):
                hid = candidate
                break
    if hid is None and head_id:
        hid, head_id = _slipped_household(catalog, head_id, head_name, first.slips.get(head_id), result, sheet,
                                          first.row)
    created = hid is None
    if hid is None:
        hid = catalog.create_household(household_no=first.household_no or None, head_name=head_name,
                                       head_id_number=head_id)
        result.households_created += 1
    result.touched.add(hid)
    latest = catalog.latest_snapshot_date(hid)
    # an undated roster still says "in 保 now": it counts as of the day it was imported
    snap_date = sheet_date or today()
    newest = created or latest is None or snap_date >= latest
    fields = {
        "household_no": first.household_no or None, "township": first.township, "village": first.village,
        "area_type": first.area_type, "category": first.category, "approved_on": first.approved_on,
        "address": next((r.address for r in rows if heads and r.member is heads[0]), "") or first.address,
        "phone": first.phone, "head_name": head_name, "head_id_number": head_id, "bank_account": first.bank_account,
    }
    if not newest:  # an older or undated roster only fills what is still empty
        current = catalog.household_row(hid)
        fields = {f: val for f, val in fields.items() if current is not None and not current[f]}
    catalog.update_household(hid, **fields)
    members_listed = sum(1 for r in rows if r.member)
    persons = first.persons if first.persons is not None else members_listed or None
    catalog.add_snapshot(hid, Snapshot(snap_date, persons, first.amount), file_id, first.row)
    if first.last_review and first.last_review <= snap_date:  # the review the roster records, as if filed
        catalog.add_event(hid, Event(first.last_review, "复核", reason="花名册记载的最近复核"), file_id, first.row)
    _apply_basis(catalog, hid, first, snap_date, newest, file_id)
    _apply_members(catalog, hid, [r for r in rows if r.member], sheet_date, latest, newest,
                   per_member and sheet_date is not None, file_id, result, sheet)


def _apply_basis(catalog: Catalog, hid: int, first: k.RosterRow, day: str, newest: bool, file_id: int) -> None:
    """Income, 分档 tier and 分类施保 categories a roster states, kept with their date and source (issue 15)."""
    b = first.basis
    if b is None:
        return
    if b.income_monthly is not None or b.income_per_capita is not None:
        catalog.add_income(hid, Income(day, b.income_monthly, b.income_per_capita, b.family_size, "花名册"),
                           file_id, first.row)
    if newest:
        catalog.set_basis_facts(hid, b.tier, b.aid_categories)


def _apply_members(catalog: Catalog, hid: int, rows: list[k.RosterRow], sheet_date: str | None, latest: str | None,
                   newest: bool, per_member: bool, file_id: int, result: ImportResult, sheet: str = "") -> None:
    existing = {_member_key(m["id_number"], m["name"]): m for m in catalog.members_rows(hid)}
    later = sheet_date is not None and latest is not None and latest < sheet_date
    listed = set()
    for r in rows:
        m = r.member
        assert m is not None
        if not _settle_slip(catalog, m, r, rows, existing, result, sheet):
            continue
        key = _member_key(m.id_number, m.name)
        listed.add(key)
        old = existing.get(key)
        if old is None:
            m.added_on = sheet_date if later else None
            catalog.add_member(hid, m)
            result.members_added += 1
            if m.added_on:
                catalog.add_event(hid, Event(m.added_on, "成员变更", reason=f"新增成员 {m.name}", source_row=r.row),
                                  file_id)
            continue
        update = {"name": m.name, "relation": m.relation or old["relation"], "disability": m.disability,
                  "health": m.health or old["health"], "identity": m.identity or old["identity"],
                  "sex": m.sex or old["sex"], "id_original": m.id_original or old["id_original"],
                  "no_id_reason": m.no_id_reason or old["no_id_reason"],
                  "cadre_relative": int(m.cadre_relative)} if newest else {}
        if newest and r.covered_stated:
            update.update(covered=int(m.covered), covered_reason=m.covered_reason or None)
        elif newest and old["covered_reason"] == NOT_LISTED:  # listed again: covered again
            update.update(covered=1, covered_reason=None)
        if old["removed_on"] and newest:
            update.update(removed_on=None, added_on=sheet_date)
        catalog.update_member(int(old["id"]), **update)
    persons = rows[0].persons if rows else None
    if per_member and newest and not later and persons == len(listed) and not any(r.covered_stated for r in rows):
        # a roster listing exactly its 保障人数 persons lists the covered ones: a person on file it leaves out
        # (a head known from a payment sheet whose household's benefit is for a child) is not covered
        for key, old in existing.items():
            if key not in listed and not old["removed_on"] and old["covered"]:
                catalog.update_member(int(old["id"]), covered=0, covered_reason=NOT_LISTED)
    if per_member and newest and later and sheet_date:  # a newer per-member roster leaving someone out: they left
        for key, old in existing.items():
            if key not in listed and not old["removed_on"]:
                catalog.update_member(int(old["id"]), removed_on=sheet_date)
                catalog.add_event(hid, Event(sheet_date, "成员变更", reason=f"减少成员 {old['name']}"), file_id)
