"""What dibao understood of a sheet, whether a person should confirm it first, and the layouts people confirmed.

Every imported sheet gets a review: which column became which field, which rows were header, data, total and
footer, where 乡镇, type and period came from. A sheet whose reading is uncertain is HELD for confirmation
instead of half-imported — a required field found only by a weak match, two columns for one required field,
or many rows failing in a way that points at the mapping rather than at the rows. A confirmed mapping is
remembered for its layout (the header's signature) in policy.toml `[layouts]`, so the next month's file of
the same office imports without asking.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping

from archiver.privacy import scrub

from . import kinds as k
from .header import Header
from .synonyms import FIELD_LABELS, SYNONYMS, Names, names_someone_else, normalise_header
from .values import text

# fields whose column must be right for the figures: a weak match or two candidates for one of these holds a sheet
CORE = (*k.NAME_FIELDS, *k.ID_FIELDS, "household_no", "persons", "amount", "paid_amount", "period", "change_kind",
        "change_date", "approved_on", "effective_month", "bank_account", "account_holder", "old_amount", "new_amount")
FAMILIES = (k.NAME_FIELDS, k.ID_FIELDS, ("amount", "paid_amount", "old_amount", "new_amount"))
HOLD_REJECTED_SHARE = 0.05  # more than 5% of a sheet's rows rejected for reasons that point at the mapping …
HOLD_REJECTED_MIN = 3  # … and at least this many rows (one bad row of a village's ten is the row's fault)
# reasons that are a row's own data, never the mapping: a mistyped check digit, a repeated row, a failed transfer
ROW_FAULTS = ("校验位", "重复行", "出生日期", "地区码", k.TRANSFER_FAILED)
PREVIEW_ROWS = 8
# a household's cells, written on the head's row only in many rosters (as rows.parse carries them down)
HOUSEHOLD_FIELDS = ("township", "village", "household_no", "head_name", "head_id", "area_type", "category", "persons",
                    "amount", "approved_on", "last_review")


# fields as a person reads them on the review page: the member's ID and name said as such beside the head's
SHOWN = {**FIELD_LABELS, "seq": "序号", "member_id": "成员身份证号", "member_name": "成员姓名"}


def column_letter(c: int) -> str:
    out = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        out = chr(65 + r) + out
    return out


def header_rows(rows: list[list[object]], header: Header) -> list[int]:
    """0-based indexes of the header's rows: one, or two when a group row (户主信息 / 家庭成员信息) is above."""
    filled = sum(1 for r in rows[:header.row] if any(text(c) for c in r))
    two = header.row > 0 and filled > len(header.above)
    return [header.row - 1, header.row] if two else [header.row]


def column_labels(rows: list[list[object]], header: Header) -> list[str]:
    """Each column's name as the sheet writes it, group and column label together (户主信息/身份证号码);
    a name two columns share gets its column letter, so every label names one column."""
    hr = header_rows(rows, header)
    width = max((len(rows[i]) for i in hr), default=0)
    labels = []
    for c in range(width):
        parts: list[str] = []
        for i in hr:
            t = text(rows[i][c]) if c < len(rows[i]) else ""
            if t and t not in parts:
                parts.append(t)
        labels.append("/".join(parts))
    counts = Counter(labels)
    return [f"{lab or '(空)'}（{column_letter(c)}列）" if counts[lab] > 1 or not lab else lab
            for c, lab in enumerate(labels)]


def signature(rows: list[list[object]], header: Header) -> str:
    """The layout's fingerprint: its header cells, normalised, in order (titles and dates above are not part
    of it, so next month's file of the same office has the same one)."""
    hr = header_rows(rows, header)
    cells = ["/".join(normalise_header(text(rows[i][c])) if c < len(rows[i]) else "" for i in hr)
             for c in range(max(len(rows[i]) for i in hr))]
    while cells and not cells[-1].strip("/"):
        cells.pop()
    return hashlib.sha256("|".join(cells).encode()).hexdigest()[:16]


def column_of(label: str, labels: list[str]) -> int | None:
    """A column named by its label (as the review shows it) or by its letter (E, AB)."""
    label = label.strip()
    if label in labels:
        return labels.index(label)
    folded = [normalise_header(x) for x in labels]
    if normalise_header(label) in folded and folded.count(normalise_header(label)) == 1:
        return folded.index(normalise_header(label))
    m = re.fullmatch(r"([A-Za-z]{1,2})列?", label)
    if m:
        n = 0
        for ch in m.group(1).upper():
            n = n * 26 + ord(ch) - 64
        return n - 1 if n - 1 < len(labels) else None
    return None


# ---------------------------------------------------------------------- remembered layouts
def known_first(rows: list[list[object]], headers: list[Header], layouts: Mapping[str, Mapping[str, str]]) -> list[Header]:
    """The candidate whose layout a person confirmed goes first."""
    if not layouts:
        return headers
    known = [h for h in headers if signature(rows, h) in layouts]
    return known + [h for h in headers if h not in known]


def apply_layout(rows: list[list[object]], header: Header, layouts: Mapping[str, Mapping[str, str]]) -> bool:
    """Read the sheet as a person confirmed its layout: every field from the column they chose."""
    confirmed = layouts.get(signature(rows, header)) if layouts else None
    if confirmed is None:
        return False
    labels = column_labels(rows, header)
    columns = {}
    for f, label in confirmed.items():
        c = column_of(label, labels)
        if c is not None and f in SYNONYMS:
            columns[f] = c
    month_cols = set(header.months)
    header.columns = {f: c for f, c in columns.items() if c not in month_cols}
    header.labels.update({c: labels[c] for c in columns.values()})
    header.spare = {}
    header.notes.append("按已确认的表头对应读取 / read with the confirmed mapping")
    return True


# ---------------------------------------------------------------------- the review of one sheet
def _strength(f: str, label: str, names: Names) -> str:
    """"exact" when the header is a name dibao knows (the field's own, or one the reader re-read by the layout or
    the values: 类别 holding 城市/农村, a bare 金额 beside an account) or contains a name of the field's family;
    "weak" when it names nothing dibao knows."""
    if names.field_for(label) is not None:
        return "exact"
    key = normalise_header(label)
    family = next((fam for fam in FAMILIES if f in fam), (f,))
    known = [normalise_header(n) for g in family for n in names.names.get(g, SYNONYMS.get(g, ()))]
    return "exact" if any(len(n) >= 2 and n in key for n in known) else "weak"


def _row_kinds(rows: list[list[object]], header: Header, hr: list[int]) -> tuple[dict[str, int], list[int]]:
    """How many rows were title/header, data, total and footer; and the 0-based indexes of the data rows."""
    name_cols = [c for f, c in header.columns.items() if f in (*k.NAME_FIELDS, *k.ID_FIELDS, "household_no")]
    data: list[int] = []
    totals = others = 0
    trailing = 0
    for i in range(header.data_start, len(rows)):
        cells = rows[i]
        if not any(text(c) for c in cells):
            continue
        if k.is_total_or_note(cells):
            totals += 1
            continue
        if any(c < len(cells) and text(cells[c]) for c in name_cols):
            data.append(i)
            others += trailing
            trailing = 0
        else:
            trailing += 1
    titles = sum(1 for r in rows[:hr[0]] if any(text(c) for c in r))
    return {"header": titles + len(hr), "data": len(data), "total": totals, "footer": trailing,
            "other": others}, data


def _rejected_for_mapping(parsed: k.Parsed) -> tuple[int, str]:
    """Rows rejected for reasons that point at the mapping (empty or unreadable cells), not at the row's own
    data (a wrong check digit, a repeated row); and the commonest such reason."""
    rows: set[int] = set()
    why: Counter[str] = Counter()
    for e in parsed.errors:
        if e.column == "整行" or any(w in e.reason for w in ROW_FAULTS):
            continue
        rows.add(e.row)
        why[f"「{e.column}」{e.reason.split(' / ')[0]}"] += 1
    return len(rows), (why.most_common(1)[0][0] if why else "")


_ID_LIKE = re.compile(r"\d{17}[\dXx]")
SCAN_ID_ROWS = 2000


def _ids_not_read(rows: list[list[object]], header: Header, data_rows: list[int]) -> dict[int, int]:
    """Columns no field reads (nor has as a second candidate) whose cells are ID numbers the read columns do
    not hold (a member's ID under a name dibao cannot know): column → rows. Such IDs would be lost, or members kept without them."""
    from archiver import idcard

    read = set(header.columns.values()) | set(header.months) | {c for more in header.spare.values() for c in more}
    id_cols = [c for f, c in header.columns.items() if f in k.ID_FIELDS]
    width = max((len(rows[i]) for i in data_rows), default=0)
    out = {}
    for c in range(width):
        if c in read:
            continue
        n = 0
        for i in data_rows[:SCAN_ID_ROWS]:
            r = rows[i]
            t = text(r[c]) if c < len(r) else ""
            if not _ID_LIKE.fullmatch(t) or any(x < len(r) and text(r[x]).upper() == t.upper() for x in id_cols):
                continue
            try:
                idcard.parse(t)
            except idcard.IDError:
                continue
            n += 1
        if n >= HOLD_REJECTED_MIN and n > HOLD_REJECTED_SHARE * min(len(data_rows), SCAN_ID_ROWS):
            out[c] = n
    return out


def review(name: str, rows: list[list[object]], header: Header, parsed: k.Parsed, context: dict, notes: list[str],
           names: Names, layouts: Mapping[str, Mapping[str, str]] | None = None) -> dict:
    """What was understood of one sheet, and whether it is held (with the reasons, in Chinese first)."""
    hr = header_rows(rows, header)
    labels = column_labels(rows, header)
    sig = signature(rows, header)
    confirmed = bool(layouts) and sig in (layouts or {})
    mapping = {f: labels[c] for f, c in sorted(header.columns.items(), key=lambda x: x[1]) if c < len(labels)}
    strength = {f: "confirmed" if confirmed else _strength(f, header.labels.get(c, labels[c] if c < len(labels) else ""), names)
                for f, c in header.columns.items()}
    counts, data_rows = _row_kinds(rows, header, hr)
    reasons: list[str] = []
    if not confirmed:
        for f in CORE:
            if f in header.columns and strength.get(f) == "weak":
                reasons.append(f"必需的列「{FIELD_LABELS.get(f, f)}」只是近似匹配到「{mapping.get(f, '')}」，请确认 / "
                               f"required field {f} found by a weak match")
        for c, n in _ids_not_read(rows, header, data_rows).items():
            if names_someone_else(labels[c]):  # 监护人身份证号: an ID the sheet says is not a member's, rightly not read
                continue
            reasons.append(f"列「{labels[c]}」有{n}行是身份证号，却没有读作任何字段（可能是成员身份证号），请确认 / "
                           f"column {labels[c]} holds ID numbers no field reads")
        bad, why = _rejected_for_mapping(parsed)
        for f, more in header.spare.items():  # two columns for one field matter only where rows then fail
            if f in CORE and f in header.columns and more and bad:
                alts = "、".join(f"「{labels[c]}」" for c in [header.columns[f], *more] if c < len(labels))
                reasons.append(f"「{FIELD_LABELS.get(f, f)}」有两个候选列：{alts}，请选定 / two candidate columns for {f}")
        if parsed.attempted and bad >= HOLD_REJECTED_MIN and bad > HOLD_REJECTED_SHARE * parsed.attempted:
            reasons.append(f"{parsed.attempted}行中有{bad}行无法导入（超过5%，最常见：{why}），可能是列对应有误，请核对 / "
                           f"{bad} of {parsed.attempted} rows rejected")
    preview = [[scrub(text(c)) for c in rows[i]][:len(labels)] for i in data_rows[:PREVIEW_ROWS]]
    return {
        "sheet": name, "kind": parsed.kind, "signature": sig, "layout_confirmed": confirmed,
        "header_rows": [i + 1 for i in hr], "first_data_row": data_rows[0] + 1 if data_rows else None,
        "columns": labels, "mapping": mapping, "match": strength,
        "candidates": {f: [labels[c] for c in more if c < len(labels)] for f, more in header.spare.items() if more},
        "unmapped": [lab for c, lab in enumerate(labels) if c not in header.columns.values() and c not in header.months],
        "months": {labels[c]: f"{y or ''}{'-' if y else ''}{m:02d}" for c, (y, m) in header.months.items() if c < len(labels)},
        "rows": counts, "attempted": parsed.attempted, "rejected": len({e.row for e in parsed.errors}),
        "context": context, "notes": notes, "held": bool(reasons), "reasons": reasons, "preview": preview,
    }


def file_review(sheets: list[dict]) -> dict:
    """The file's review: its sheets, and the file's own mapping/rows/held as the first sheet's (most files
    have one sheet); a file is held when any of its sheets is."""
    held = [r for s in sheets for r in s["reasons"]]
    first = sheets[0]
    return {"mapping": first["mapping"], "rows": first["rows"], "held": bool(held),
            "reason": "；".join(dict.fromkeys(held)), "context": first["context"], "sheets": sheets}
