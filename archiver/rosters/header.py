"""Find the header of an exported sheet: under title rows, across two-row headers and merged cells.

`candidates` ranks every plausible header (best first), so a sheet whose rows all fail the same way can
be re-read with the next-best mapping. Month columns (2025年1月, 7月, 第3月) are kept apart: they make a
wide disbursement sheet. Columns whose header means two things (类别) are settled by their values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import values as v
from .synonyms import DEFAULT, Names, normalise_header, role_of, with_role
from .values import text

MIN_FIELDS = 3
SCAN_ROWS = 25
MAX_CANDIDATES = 4
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
             "十二": 12}
_MONTH = re.compile(r"^(?:(\d{4})年)?第?(\d{1,2}|十[一二]?|[一二三四五六七八九])月份?(?:发放)?(?:金额)?(?:\(元\))?$")
_YM = re.compile(r"^(\d{4})[.\-/](\d{1,2})$")
_YEAR = re.compile(r"(\d{4})年")


@dataclass
class Header:
    row: int  # 0-based index of the (last) header row
    data_start: int  # first data row
    columns: dict[str, int]  # field → column index
    labels: dict[int, str]  # column index → header text as written (for error messages)
    above: list[str]  # text of rows above the header (titles, 填报日期)
    months: dict[int, tuple[int | None, int]] = field(default_factory=dict)  # column → (year or None, month)
    unknown: list[str] = field(default_factory=list)  # header cells no field knows
    spare: dict[str, list[int]] = field(default_factory=dict)  # field → further columns with its name
    notes: list[str] = field(default_factory=list)  # what was decided about the columns, for the report

    @property
    def score(self) -> int:
        return len(self.columns) + (2 if len(self.months) >= 2 else 0)


def month_of(header: str, group: str = "") -> tuple[int | None, int] | None:
    """(year, month) a wide sheet's column stands for, or None."""
    t = normalise_header(header)
    m = _MONTH.match(t)
    if m:
        n = m.group(2)
        month = int(n) if n.isdigit() else _CN_MONTH[n]
        year = int(m.group(1)) if m.group(1) else None
    else:
        m = _YM.match(t)
        if not m:
            return None
        year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    if year is None and group:
        y = _YEAR.search(normalise_header(group))
        year = int(y.group(1)) if y else None
    return year, month


def _looks_like_header(cells: list[object]) -> bool:
    """A second header row holds no numbers and no long digit runs (data rows have 序号 and IDs)."""
    for c in cells:
        if isinstance(c, (int, float)) and not isinstance(c, bool):
            return False
        t = text(c)
        if sum(ch.isdigit() for ch in t) >= 4 and month_of(t) is None:
            return False
    return any(text(c) for c in cells)


_Mapped = tuple[dict[str, int], dict[int, str], dict[int, tuple[int | None, int]], list[str], dict[str, list[int]]]


def _map(cells_up: list[object], cells_low: list[object] | None, names: Names) -> _Mapped:
    spare: dict[str, list[int]] = {}
    columns: dict[str, int] = {}
    labels: dict[int, str] = {}
    months: dict[int, tuple[int | None, int]] = {}
    unknown: list[str] = []
    width = max(len(cells_up), len(cells_low or []))
    last_up = ""
    for c in range(width):
        up = text(cells_up[c]) if c < len(cells_up) else ""
        low = text(cells_low[c]) if cells_low is not None and c < len(cells_low) else ""
        if up:
            last_up = up
        elif low and cells_low is not None:  # a group label (户主信息) written once over several columns
            up = last_up
        if low == up:  # a cell merged down over both rows names its column alone
            low = ""
        group = up.replace("信息", "").replace("情况", "")  # 户主信息 / 成员信息 over 姓名, 身份证号
        tries = [up] if not low else [up + low, group + low, low + up, low]
        if not low and cells_low is not None:
            tries = [up]
        role = role_of(up) if low else None  # 户主信息 over 身份证号: the head's ID; 家庭成员信息 over it: a member's
        taken: tuple[str, str] | None = None
        for t in tries:
            f = names.field_for(t)
            if f and role and t == low and role_of(low) is None:  # 户主姓名 under 家庭成员信息 stays the head's
                f = with_role(f, role)
            if f and f not in columns:
                columns[f] = c
                labels[c] = low if low and t != low and role_of(low) else t  # 家庭成员姓名, not 家庭成员家庭成员姓名
                break
            taken = taken or ((f, t) if f else None)
        else:
            if taken:  # a second column with a name already used: kept in case values settle it
                spare.setdefault(taken[0], []).append(c)
                labels[c] = taken[1]
                continue
            ym = month_of(low or up, up if low else "")
            if ym is not None:
                months[c] = ym
                labels[c] = low or up
            elif (low or up) and not names.field_for(low or up):
                unknown.append(low or up)
    _settle_roles(columns, labels, spare)
    return columns, labels, months, unknown, spare


def _settle_roles(columns: dict[str, int], labels: dict[int, str], spare: dict[str, list[int]]) -> None:
    """Two name or ID columns, not both saying whose (姓名 | 身份证号 | 家庭成员姓名 | 关系 | 成员身份证号码): the
    household's columns come first, so the first name column not marked as a member's is the head's, and the
    ID column read after the head's name and before the member's name is the head's ID."""
    names = sorted(([columns["member_name"]] if "member_name" in columns else []) + spare.get("member_name", []))
    if "head_name" not in columns and len(names) >= 2:
        head = next((c for c in names if role_of(labels.get(c, "")) != "member"), None)
        if head is not None and head == names[0]:
            columns["head_name"], columns["member_name"] = head, names[1]
            spare["member_name"] = names[2:]
            if not spare["member_name"]:
                del spare["member_name"]
    if "head_id" in columns or not {"head_name", "member_name"} <= set(columns):
        return
    ids = sorted(([columns["member_id"]] if "member_id" in columns else []) + spare.get("member_id", []))
    hn, mn = columns["head_name"], columns["member_name"]
    lo, hi = min(hn, mn), max(hn, mn)
    between = [c for c in ids if lo < c < hi and role_of(labels.get(c, "")) != "member"]
    if len(ids) < 2 or len(between) != 1:
        return
    head = between[0]
    rest = [c for c in ids if c != head]
    columns["head_id"], columns["member_id"] = (head, rest[0]) if hn < mn else (head, rest[-1])
    spare["member_id"] = [c for c in rest if c != columns["member_id"]]
    if not spare["member_id"]:
        del spare["member_id"]


def _is_group_row(cells: list[object], below: list[object]) -> bool:
    """An upper header row of group labels (户主信息 | 家庭成员信息 | 保障信息), not a title: several labels, at
    least one written over more than one column (merged, or once with blank cells after it, as in a CSV)."""
    texts = [text(c) for c in cells]
    low = [text(c) for c in below] + [""] * max(0, len(texts) - len(below))
    distinct = {t for t in texts if t}
    spans = any(t and (texts[i + 1] == t or (not texts[i + 1] and low[i + 1])) for i, t in enumerate(texts[:-1]))
    return len(distinct) >= 2 and spans


def candidates(rows: list[list[object]], names: Names = DEFAULT) -> list[Header]:
    """Plausible headers, best first (most fields recognised; the earlier row on a tie)."""
    found: list[Header] = []
    for r in range(min(SCAN_ROWS, len(rows))):
        above = _above(rows, r)
        cols, labels, months, unknown, spare = _map(rows[r], None, names)
        found.append(Header(r, r + 1, cols, labels, above, months, unknown, spare))
        if r + 1 < len(rows) and _looks_like_header(rows[r + 1]):
            cols2, labels2, months2, unknown2, spare2 = _map(rows[r], rows[r + 1], names)
            # a two-row header only when the upper row adds names the lower one lacks (not a title above it)
            low_alone = _map(rows[r + 1], None, names)
            alone = len(low_alone[0]) + len(low_alone[2])
            if len(cols2) + len(months2) > alone or (len(cols2) + len(months2) == alone and _is_group_row(rows[r], rows[r + 1])):
                found.append(Header(r + 1, r + 2, cols2, labels2, above, months2, unknown2, spare2))
    good = [h for h in found if h.score >= MIN_FIELDS]
    good.sort(key=lambda h: (-h.score, h.row))
    out: list[Header] = []
    for h in good:
        if all(h.columns != o.columns or h.months != o.months for o in out):
            out.append(h)
    return out[:MAX_CANDIDATES]


def locate(rows: list[list[object]], names: Names = DEFAULT) -> Header | None:
    found = candidates(rows, names)
    return found[0] if found else None


def _above(rows: list[list[object]], r: int) -> list[str]:
    out = []
    for row in rows[:r]:
        cells: list[str] = []
        for c in row:  # a merged title spread over the row reads once
            t = text(c)
            if t and (not cells or cells[-1] != t):
                cells.append(t)
        if cells:
            out.append(" ".join(cells))
    return out


def settle_by_values(h: Header, rows: list[list[object]]) -> None:
    """类别 holding 城市低保/农村低保 is the programme type, holding A类/B类/一类 the class — whatever the
    header says (and the same for 保障类别). A bare 金额 is money paid only beside an account number (a
    bank's export: 账号, 户名, 金额, 摘要); elsewhere it says too little to be read."""
    c = h.columns.pop("transfer_amount", None)
    if c is not None and "bank_account" in h.columns and not {"paid_amount", "amount"} & set(h.columns):
        h.columns["paid_amount"] = c
        h.notes.append(f"列「{h.labels.get(c, '')}」在账号旁，读作发放金额（银行代发明细）")
    for f, other in (("category", "area_type"), ("area_type", "category")):
        c = h.columns.get(f)
        if c is None:
            continue
        sample = [rows[i][c] for i in range(h.data_start, min(len(rows), h.data_start + 300)) if c < len(rows[i])]
        vals = [x for x in sample if text(x)]
        if not vals:
            continue
        as_type = sum(1 for x in vals if v.area_type(x) and not v.category(x))
        as_class = sum(1 for x in vals if v.category(x))
        says_other = as_type if other == "area_type" else as_class
        says_self = as_class if f == "category" else as_type
        if says_other > len(vals) / 2 and says_other > says_self:
            del h.columns[f]
            label = h.labels.get(c, "")
            if other not in h.columns:
                h.columns[other] = c
                h.notes.append(f"列「{label}」按内容读作{'城乡类别' if other == 'area_type' else '分类(A/B/C)'}")
            else:
                h.notes.append(f"列「{label}」的内容与表头不符，已忽略")
            if h.spare.get(f):  # another column with this field's name takes its place
                h.columns[f] = h.spare[f].pop(0)
