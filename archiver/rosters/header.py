"""Find the header of an exported sheet: under title rows, across two-row headers and merged cells."""

from __future__ import annotations

from dataclasses import dataclass

from .synonyms import field_for
from .values import text

MIN_FIELDS = 3
SCAN_ROWS = 25


@dataclass
class Header:
    row: int  # 0-based index of the (last) header row
    data_start: int  # first data row
    columns: dict[str, int]  # field → column index
    labels: dict[int, str]  # column index → header text as written (for error messages)
    above: list[str]  # text of rows above the header (titles, 填报日期)


def _looks_like_header(cells: list[object]) -> bool:
    """A second header row holds no numbers and no long digit runs (data rows have 序号 and IDs)."""
    for c in cells:
        if isinstance(c, (int, float)) and not isinstance(c, bool):
            return False
        t = text(c)
        if sum(ch.isdigit() for ch in t) >= 4:
            return False
    return any(text(c) for c in cells)


def _map(cells_up: list[object], cells_low: list[object] | None) -> tuple[dict[str, int], dict[int, str]]:
    columns: dict[str, int] = {}
    labels: dict[int, str] = {}
    width = max(len(cells_up), len(cells_low or []))
    for c in range(width):
        up = text(cells_up[c]) if c < len(cells_up) else ""
        low = text(cells_low[c]) if cells_low is not None and c < len(cells_low) else ""
        group = up.replace("信息", "").replace("情况", "")  # 户主信息 / 成员信息 over 姓名, 身份证号
        tries = [up] if cells_low is None else [up + low, group + low, low + up, low, up]
        for t in tries:
            f = field_for(t)
            if f and f not in columns:
                columns[f] = c
                labels[c] = t
                break
    return columns, labels


def locate(rows: list[list[object]]) -> Header | None:
    best: Header | None = None
    best_score = MIN_FIELDS - 1
    for r in range(min(SCAN_ROWS, len(rows))):
        cols, labels = _map(rows[r], None)
        candidates = [(len(cols), r, r + 1, cols, labels)]
        if r + 1 < len(rows) and _looks_like_header(rows[r + 1]):
            cols2, labels2 = _map(rows[r], rows[r + 1])
            # a two-row header only when the upper row adds names the lower one lacks (not a title above it)
            if len(cols2) > len(_map(rows[r + 1], None)[0]):
                candidates.append((len(cols2), r + 1, r + 2, cols2, labels2))
        for score, last, start, cols, labels in candidates:
            if score > best_score:
                best_score = score
                above = [" ".join(text(c) for c in row if text(c)) for row in rows[: r]]
                best = Header(last, start, cols, labels, above)
    return best
