"""A sheet's data rows into records: household cells merged down a family carried to each member row,
totals, notes and repeated header rows skipped, a repeated row refused, each row read by its kind's parser."""

from __future__ import annotations

from . import packed
from . import values as v
from .change_rows import change
from .context import SheetContext
from .header import Header
from .kinds import CHANGE, DISBURSEMENT, ID_FIELDS, NAME_FIELDS, ROSTER, Parsed, RowError, is_total_or_note
from .payment_rows import payment
from .roster_rows import roster
from .row import Row


def parse(kind: str, sheet: str, rows: list[list[object]], header: Header, ctx: SheetContext) -> Parsed:
    cols = header.columns
    data, refused = packed.unpack(rows, header) if kind == ROSTER else (
        [(i, list(rows[i])) for i in range(header.data_start, len(rows))], [])
    out = Parsed(kind, per_member=kind == ROSTER and "member_name" in cols and ("head_name" in cols or "relation" in cols))
    for i, reason in refused:
        out.errors.append(RowError(sheet, i + 1, header.labels.get(cols.get("member_id", cols.get("head_id", -1)), "身份证号"),
                                   reason))
        out.attempted += 1
    header_texts = [v.text(c) for c in rows[header.row]]
    carry: dict[str, object] = {}
    seen: dict[tuple, int] = {}
    household_fields = ("township", "village", "household_no", "head_name", "head_id", "area_type", "category",
                        "persons", "amount", "approved_on", "last_review")
    for index, cells in data:
        texts = [v.text(c) for c in cells]
        if not any(texts) or is_total_or_note(cells) or texts[: len(header_texts)] == header_texts:
            continue
        if kind == ROSTER and "member_name" in header.columns:
            # merged household cells: member rows below the first leave household columns empty
            ident = [texts[header.columns[f]] for f in ("household_no", "head_name", "head_id")
                     if f in header.columns and header.columns[f] < len(texts)]
            if ident and not any(ident) and carry:
                for f in household_fields:
                    c = header.columns.get(f)
                    if c is not None and c < len(cells) and not texts[c]:
                        cells[c] = carry.get(f)
            else:
                carry = {f: cells[c] for f, c in header.columns.items() if f in household_fields and c < len(cells)}
        names = [v.name(cells[c]) for f, c in header.columns.items() if f in NAME_FIELDS and c < len(cells)]
        ids = [texts[c] for f, c in header.columns.items() if f in ID_FIELDS + ("bank_account",) and c < len(cells)]
        if not any(names) and not any(ids):
            continue  # a note, a signature line, a blank row with a stray 序号
        key = tuple(texts)
        if key in seen:
            out.errors.append(RowError(sheet, index + 1, "整行", f"重复行（与第{seen[key]}行相同），已跳过 / duplicate of row {seen[key]}"))
            out.skipped_duplicates += 1
            continue
        seen[key] = index + 1
        out.attempted += 1
        row = Row(sheet, index, cells, header, out, ctx)
        record = {ROSTER: roster, CHANGE: change, DISBURSEMENT: payment}[kind](row)
        if record is not None and not row.failed:
            record.slips = row.slips
            out.rows.append(record)
    return out
