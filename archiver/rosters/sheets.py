"""Read a spreadsheet file into parsed sheets: each sheet's header found and mapped (the mapping people
confirmed first), its rows parsed by kind, a mapping that most rows fail the same way refused, summary
sheets that repeat the others dropped. Nothing here touches the catalog (importer.py applies the result).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archiver.errors import UserError

from . import context, mapping
from . import kinds as k
from .header import Header, candidates, settle_by_values
from .reader import read_sheets
from .rows import parse as read_rows
from .synonyms import DEFAULT, Names
from .values import text


class Unrecognised(UserError):
    """No sheet in the file is a roster, change list or disbursement sheet — or the file as a whole cannot
    be trusted (IDs stored as numbers, most rows failing the same way)."""


@dataclass
class ParsedSheet:
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
               layouts: Mapping[str, Mapping[str, str]] | None = None) -> list[ParsedSheet]:
    """Read and parse every recognisable sheet; raise Unrecognised with the reason otherwise. `layouts`:
    the mappings people confirmed (policy.toml [layouts]), read as they said."""
    out: list[ParsedSheet] = []
    reasons: list[str] = []
    folders = ingested_folder(path, source_name)
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


def placed_by_account(sheets: list[ParsedSheet]) -> bool:
    """A bank's payment export: rows that name an account but no person nor 户编号. It is imported after
    every other sheet of a batch, so the accounts the rosters hold are on file when its rows are placed."""
    rows = [r for s in sheets for r in s.parsed.rows]
    return bool(rows) and all(s.parsed.kind == k.DISBURSEMENT for s in sheets) and not any(
        r.head_id or r.household_no for r in rows)


def _people(s: ParsedSheet) -> set[str]:
    out = set()
    for r in s.parsed.rows:
        member = getattr(r, "member", None)
        out |= {x for x in (r.head_id, r.household_no, member.id_number if member else "") if x}
    return out


def _without_summaries(sheets: list[ParsedSheet]) -> list[ParsedSheet]:
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


def ingested_folder(path: Path, source_name: str) -> list[str]:
    """The folder that was ingested (`dibao ingest 东山镇/`): its name is context like the sub-folders in
    `source_name`; folders further up (a county's share, a user's home) are not."""
    depth = len(Path(source_name).parts)
    parents = path.resolve().parents
    return [parents[depth - 1].name] if depth - 1 < len(parents) and parents[depth - 1].name else []


def _parse_sheet(name: str, rows: list[list[object]], headers: list[Header], source_name: str, names: Names,
                 reasons: list[str], folders: list[str], layouts: Mapping[str, Mapping[str, str]]) -> ParsedSheet | None:
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
        parsed = read_rows(kind, name, rows, header, ctx)
        bad = _systematic(parsed)
        while bad is not None:  # an optional column every row fails on: read the sheet without it
            f = _field_of(header, bad[0])
            if f not in DROPPABLE:
                break
            del header.columns[f]
            header.notes.append(f"列「{bad[0]}」{bad[2]}行都无法读取（{bad[1]}），已不读该列")
            parsed = read_rows(kind, name, rows, header, ctx)
            bad = _systematic(parsed)
        if bad is not None:
            diagnosis = diagnosis or (
                f"工作表「{name}」的列对应有误，不是个别行的问题：{parsed.attempted}行中有{bad[2]}行在「{bad[0]}」列"
                f"出现同样的错误（{bad[1]}）；已尝试其他表头读法仍不成立，整个文件不予导入，请核对表头后重新导出 / "
                f"column mapping is wrong: {bad[2]} of {parsed.attempted} rows fail the same way")
            continue
        found = _report_context(header, ctx, kind)
        return ParsedSheet(name, parsed, ctx.sheet_date, found, header.notes,
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
