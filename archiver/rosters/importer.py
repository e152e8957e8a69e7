"""Apply a parsed sheet to the catalog: households, members, events, snapshots and payments.

Runs inside the caller's transaction, so a file imports whole or not at all. Re-importing the same
rows changes nothing (events, snapshots and payments are unique by content).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archiver.catalog import Catalog, registers
from archiver.catalog.models import Event, Income, Member, Snapshot, today
from archiver.errors import UserError

from . import kinds as k
from .header import locate
from .reader import read_sheets
from .values import title_month


class Unrecognised(UserError):
    """No sheet in the file is a roster, change list or disbursement sheet."""


@dataclass
class ImportResult:
    kind: str
    sheet_date: str | None
    rows: int = 0
    errors: list[k.RowError] = field(default_factory=list)
    households_created: int = 0
    events_added: int = 0
    payments_added: int = 0
    members_added: int = 0
    touched: set[int] = field(default_factory=set)


@dataclass
class _ParsedSheet:
    name: str
    parsed: k.Parsed
    sheet_date: str | None


def parse_file(path: Path, sniffed: str, source_name: str) -> list[_ParsedSheet]:
    """Read and parse every recognisable sheet; raise Unrecognised with the reason otherwise."""
    out: list[_ParsedSheet] = []
    reasons: list[str] = []
    for sheet in read_sheets(path, sniffed):
        header = locate(sheet.rows)
        if header is None:
            if any(any(str(c).strip() for c in r) for r in sheet.rows):
                reasons.append(k.missing_reason(None, [], {}))
            continue
        kind, missing = k.detect(header.columns)
        if kind is None or missing:
            reasons.append(k.missing_reason(kind, missing, header.columns))
            continue
        sheet_date = title_month(header.above + [Path(source_name).stem])
        out.append(_ParsedSheet(sheet.name, k.parse(kind, sheet.name, sheet.rows, header, sheet_date), sheet_date))
    if not out:
        raise Unrecognised(reasons[0] if reasons else "表格为空 / the spreadsheet is empty")
    return out


def apply(catalog: Catalog, sheets: list[_ParsedSheet], file_id: int,
          progress: Callable[[int], None] | None = None) -> ImportResult:
    result = ImportResult(kind=sheets[0].parsed.kind, sheet_date=sheets[0].sheet_date)
    for s in sheets:
        result.errors += s.parsed.errors
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
                result.payments_added += catalog.add_payment(hid, row.payment, file_id, row.row)
                if row.payment.bank_account:
                    current = catalog.household_row(hid)
                    if current is not None and not current["bank_account"]:
                        catalog.update_household(hid, bank_account=row.payment.bank_account)
                result.rows += 1
                if progress:
                    progress(1)
    return result


def _household_for(catalog: Catalog, row: k.ChangeRow | k.PaymentRow, result: ImportResult, sheet: str) -> int | None:
    """The household a change or payment row means: by 户编号, else by its head, else by the one household
    the person is in; a new household when the ID is known nowhere. A 户编号 alone that names no household
    is a rejected row (we never create a household without a person)."""
    hid = catalog.household_id_by_no(row.household_no) if row.household_no else None
    if hid is None and row.head_id:
        ids = catalog.household_ids_by_head(row.head_id) or catalog.household_ids_by_member(row.head_id)
        hid = ids[0] if ids else None
        if hid is None:
            hid = catalog.create_household(household_no=row.household_no or None, township=row.township,
                                           village=row.village, head_name=row.head_name, head_id_number=row.head_id)
            catalog.add_member(hid, _member_from_id(row.head_name, row.head_id, "户主"))
            result.households_created += 1
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


def _apply_roster(catalog: Catalog, s: _ParsedSheet, file_id: int, result: ImportResult,
                  progress: Callable[[int], None] | None) -> None:
    for rows in _group(s.parsed.rows):
        _apply_household(catalog, rows, s.sheet_date, s.parsed.per_member, file_id, result)
        result.rows += len(rows)
        if progress:
            progress(len(rows))


def _apply_household(catalog: Catalog, rows: list[k.RosterRow], sheet_date: str | None, per_member: bool,
                     file_id: int, result: ImportResult) -> None:
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
        "phone": first.phone, "head_name": head_name, "head_id_number": head_id,
    }
    if not newest:  # an older or undated roster only fills what is still empty
        current = catalog.household_row(hid)
        fields = {f: val for f, val in fields.items() if current is not None and not current[f]}
    catalog.update_household(hid, **fields)
    members_listed = sum(1 for r in rows if r.member)
    persons = first.persons if first.persons is not None else members_listed or None
    catalog.add_snapshot(hid, Snapshot(snap_date, persons, first.amount), file_id, first.row)
    _apply_basis(catalog, hid, first, snap_date, newest, file_id)
    _apply_members(catalog, hid, [r for r in rows if r.member], sheet_date, latest, newest,
                   per_member and sheet_date is not None, file_id, result)


def _apply_basis(catalog: Catalog, hid: int, first: k.RosterRow, day: str, newest: bool, file_id: int) -> None:
    """Income, 分档 tier and 分类施保 categories a roster states, kept with their date and source (issue 15)."""
    b = first.basis
    if b is None:
        return
    if b.income_monthly is not None or b.income_per_capita is not None:
        registers.add_income(catalog, hid, Income(day, b.income_monthly, b.income_per_capita, b.family_size, "花名册"),
                             file_id, first.row)
    if newest:
        registers.set_basis_facts(catalog, hid, b.tier, b.aid_categories)


def _apply_members(catalog: Catalog, hid: int, rows: list[k.RosterRow], sheet_date: str | None, latest: str | None,
                   newest: bool, per_member: bool, file_id: int, result: ImportResult) -> None:
    existing = {m["id_number"]: m for m in catalog.members_rows(hid)}
    later = sheet_date is not None and latest is not None and latest < sheet_date
    listed = set()
    for r in rows:
        m = r.member
        assert m is not None
        listed.add(m.id_number)
        old = existing.get(m.id_number)
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
                  "cadre_relative": int(m.cadre_relative)} if newest else {}
        if newest and r.covered_stated:
            update.update(covered=int(m.covered), covered_reason=m.covered_reason or None)
        if old["removed_on"] and newest:
            update.update(removed_on=None, added_on=sheet_date)
        catalog.update_member(int(old["id"]), **update)
    if per_member and newest and later and sheet_date:  # a newer per-member roster leaving someone out: they left
        for id_number, old in existing.items():
            if id_number not in listed and not old["removed_on"]:
                catalog.update_member(int(old["id"]), removed_on=sheet_date)
                catalog.add_event(hid, Event(sheet_date, "成员变更", reason=f"减少成员 {old['name']}"), file_id)
