"""Apply a parsed sheet to the catalog: households, members, events, snapshots and payments.

Runs inside the caller's transaction, so a file imports whole or not at all. Re-importing the same
rows changes nothing (events, snapshots and payments are unique by content).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archiver import idcard, places
from archiver.catalog import Catalog
from archiver.catalog.models import Event, Income, Member, Snapshot, today
from archiver.errors import UserError

from . import context, mapping, slips
from . import kinds as k
from .header import Header, candidates, settle_by_values
from .reader import read_sheets
from .synonyms import DEFAULT, Names
from .values import text


class Unrecognised(UserError):
    """No sheet in the file is a roster, change list or disbursement sheet — or the file as a whole cannot
    be trusted (IDs stored as numbers, most rows failing the same way)."""


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


@dataclass
class _ParsedSheet:
    name: str
    parsed: k.Parsed
    sheet_date: str | None
    context: dict = field(default_factory=dict)  # where 乡镇, 城市/农村 and the period came from (import report)
    notes: list[str] = field(default_factory=list)  # decisions about columns, for the import report
    review: dict = field(default_factory=dict)  # what was understood, and whether to hold it (mapping.py)


# optional columns a re-read may leave out when every row fails on them; never names, IDs, amounts or dates
DROPPABLE = ("category", "area_type", "disability", "health", "cadre", "identity", "sex", "birth_date", "address",
             "phone", "relation", "remark", "reason")
SYSTEMATIC_SHARE = 0.8  # "most rows": a sheet with a few bad IDs among good ones is rows' fault, not the mapping's
SYSTEMATIC_MIN_ROWS = 5


def parse_file(path: Path, sniffed: str, source_name: str, names: Names = DEFAULT,
               layouts: Mapping[str, Mapping[str, str]] | None = None) -> list[_ParsedSheet]:
    """Read and parse every recognisable sheet; raise Unrecognised with the reason otherwise. `layouts`:
    the mappings people confirmed (policy.toml [layouts]), read as they said."""
    out: list[_ParsedSheet] = []
    reasons: list[str] = []
    folders = _ingested_folder(path, source_name)
    for sheet in read_sheets(path, sniffed):
        headers = candidates(sheet.rows, names)
        if not headers:
            if any(any(str(c).strip() for c in r if c is not None) for r in sheet.rows):
                unknown = [text(c) for r in sheet.rows[:3] for c in r if text(c)]
                reasons.append(k.missing_reason(None, [], {}, unknown, names))
            continue
        parsed = _parse_sheet(sheet.name, sheet.rows, headers, source_name, names, reasons, folders, layouts or {})
        if parsed is not None:
            out.append(parsed)
    if not out:
        raise Unrecognised(reasons[0] if reasons else "表格为空 / the spreadsheet is empty")
    return _without_summaries(out)


def placed_by_account(sheets: list[_ParsedSheet]) -> bool:
    """A bank's payment export: rows that name an account but no person nor 户编号. It is imported after
    every other sheet of a batch, so the accounts the rosters hold are on file when its rows are placed."""
    rows = [r for s in sheets for r in s.parsed.rows]
    return bool(rows) and all(s.parsed.kind == k.DISBURSEMENT for s in sheets) and not any(
        r.head_id or r.household_no for r in rows)


def _people(s: _ParsedSheet) -> set[str]:
    out = set()
    for r in s.parsed.rows:
        member = getattr(r, "member", None)
        out |= {x for x in (r.head_id, r.household_no, member.id_number if member else "") if x}
    return out


def _without_summaries(sheets: list[_ParsedSheet]) -> list[_ParsedSheet]:
    """A workbook with a sheet per village and a summary sheet (汇总) listing them all again: the summary,
    whose people all stand on the other sheets of its kind, is not counted a second time."""
    if len(sheets) < 3:
        return sheets
    kept = list(sheets)
    for s in sheets:
        others = [o for o in kept if o is not s and o.parsed.kind == s.parsed.kind]
        mine = _people(s)
        if len(others) >= 2 and mine and mine <= set().union(*(_people(o) for o in others)):
            kept.remove(s)
            kept[0].notes.append(f"工作表「{s.name}」所列人员均已在其他工作表中，视为汇总表，未重复计入")
    return kept


def _ingested_folder(path: Path, source_name: str) -> list[str]:
    """The folder that was ingested (`dibao ingest 东山镇/`): its name is context like the sub-folders in
    `source_name`; folders further up (a county's share, a user's home) are not."""
    depth = len(Path(source_name).parts)
    parents = path.resolve().parents
    return [parents[depth - 1].name] if depth - 1 < len(parents) and parents[depth - 1].name else []


def _parse_sheet(name: str, rows: list[list[object]], headers: list[Header], source_name: str, names: Names,
                 reasons: list[str], folders: list[str], layouts: Mapping[str, Mapping[str, str]]) -> _ParsedSheet | None:
    """The best mapping whose rows do not all fail the same way; the next-best when they do."""
    diagnosis = ""
    for header in mapping.known_first(rows, headers, layouts):
        settle_by_values(header, rows)
        mapping.apply_layout(rows, header, layouts)
        kind, missing = k.detect(header.columns, header.months)
        if kind is None or missing:
            reasons.append(k.missing_reason(kind, missing, header.columns, header.unknown, names))
            continue
        _refuse_numeric_ids(name, rows, header)
        ctx = context.read(header.above, name, source_name, folders)
        ctx.tiered = names.tiered
        parsed = k.parse(kind, name, rows, header, ctx)
        bad = _systematic(parsed)
        while bad is not None:  # an optional column every row fails on: read the sheet without it
            f = _field_of(header, bad[0])
            if f not in DROPPABLE:
                break
            del header.columns[f]
            header.notes.append(f"列「{bad[0]}」{bad[2]}行都无法读取（{bad[1]}），已不读该列")
            parsed = k.parse(kind, name, rows, header, ctx)
            bad = _systematic(parsed)
        if bad is not None:
            diagnosis = diagnosis or (
                f"工作表「{name}」的列对应有误，不是个别行的问题：{parsed.attempted}行中有{bad[2]}行在「{bad[0]}」列"
                f"出现同样的错误（{bad[1]}）；已尝试其他表头读法仍不成立，整个文件不予导入，请核对表头后重新导出 / "
                f"column mapping is wrong: {bad[2]} of {parsed.attempted} rows fail the same way")
            continue
        found = _report_context(header, ctx, kind)
        return _ParsedSheet(name, parsed, ctx.sheet_date, found, header.notes,
                            mapping.review(name, rows, header, parsed, found, header.notes, names, layouts))
    if diagnosis:
        raise Unrecognised(diagnosis)
    return None


def _reason_key(reason: str) -> str:
    return reason.split(" / ")[0].split("：")[0].strip()


def _systematic(parsed: k.Parsed) -> tuple[str, str, int] | None:
    """(column, reason, rows) when most rows of a sheet fail the same way: the mapping is wrong, not the rows."""
    if parsed.attempted < SYSTEMATIC_MIN_ROWS:
        return None
    rows_by: dict[tuple[str, str], set[int]] = {}
    for e in parsed.errors:
        if e.column != "整行":
            rows_by.setdefault((e.column, _reason_key(e.reason)), set()).add(e.row)
    if not rows_by:
        return None
    (col, key), hit = max(rows_by.items(), key=lambda x: len(x[1]))
    return (col, key, len(hit)) if len(hit) >= SYSTEMATIC_SHARE * parsed.attempted else None


def _field_of(header: Header, label: str) -> str | None:
    return next((f for f, c in header.columns.items() if header.labels.get(c) == label), None)


def _refuse_numeric_ids(name: str, rows: list[list[object]], header: Header) -> None:
    """A sheet whose ID column Excel stored as numbers has lost the last digits of every ID: refuse the file."""
    for f in k.ID_FIELDS:
        c = header.columns.get(f)
        if c is None:
            continue
        cells = [r[c] for r in rows[header.data_start:] if c < len(r) and text(r[c])]
        cells = [x for x in cells if not k.is_total_or_note([x])]
        numeric = sum(1 for x in cells if (isinstance(x, (int, float)) and not isinstance(x, bool))
                      or re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+|\d{15,}\.0+", text(x)))
        if cells and numeric >= 3 and numeric > len(cells) / 2:
            raise Unrecognised(
                f"工作表「{name}」的身份证号列「{header.labels.get(c, '')}」被Excel存成了数字（{len(cells)}行中{numeric}行为"
                f"数字或科学计数法，末几位已丢失、无法恢复），整个文件不予导入；请把该列设为文本格式后从原系统重新导出 / "
                f"ID column stored as numbers: digits lost, file refused")


def _report_context(header: Header, ctx: context.SheetContext, kind: str) -> dict:
    """Where the sheet's 乡镇, type and period came from: a column (blank cells filled from the context),
    the context alone, or nowhere."""
    out = ctx.as_json()
    if not ctx.period.value and ctx.year_only.value:
        out["period"] = {**ctx.year_only.as_json(), "value": ctx.year_only.value}
    for key, f in (("township", "township"), ("type", "area_type")):
        if f in header.columns:
            label = f"列「{header.labels[header.columns[f]]}」"
            if out[key]["value"]:
                label += f"（空白处取{out[key]['source_label']}：{out[key]['value']}）"
            out[key] = {"value": None, "source": "column", "source_label": label}
    if "period" in header.columns or (kind == k.CHANGE and set(k.DATE_FIELDS) & set(header.columns)):
        f = next(f for f in ("period", *k.DATE_FIELDS) if f in header.columns)
        out["period"] = {**out["period"], "source": "column", "source_label": f"列「{header.labels[header.columns[f]]}」"}
    elif header.months and all(y is not None for y, _ in header.months.values()):
        years = sorted({y for y, _ in header.months.values() if y is not None})
        out["period"] = {**out["period"], "source": "column", "source_label": f"表头月份（{'、'.join(map(str, years))}年）"}
    return out


def apply(catalog: Catalog, sheets: list[_ParsedSheet], file_id: int,
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


def report_detail(sheets: list[_ParsedSheet], result: ImportResult) -> dict:
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


def _apply_roster(catalog: Catalog, s: _ParsedSheet, file_id: int, result: ImportResult,
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
