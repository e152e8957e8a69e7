"""Dates as Chinese forms write them: 2025年3月12日, 二〇二五年三月十二日, 2025.3.12, 2025-03-12, 2025/3/12."""

from __future__ import annotations

import datetime as dt
import re

_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零ＯOo0一二两三四五六七八九十"  # OCR reads 〇 as the letter O or a zero

NUMERIC = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?(?!\d)")
CHINESE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,3}})\s*月\s*([{_CN}]{{1,3}})\s*日")


def _cn_number(text: str) -> int:
    """十二 → 12, 二十三 → 23, 三十 → 30, 九 → 9."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return int("".join(str(_DIGITS[c]) for c in text))


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[dt.date]:
    """Every real calendar date in the text, in order of appearance."""
    found: list[tuple[int, dt.date]] = []
    for m in NUMERIC.finditer(text):
        d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), d))
    for m in CHINESE.finditer(text):
        try:
            y = int("".join(str(_DIGITS[c]) for c in m.group(1)))
            d = _make(y, _cn_number(m.group(2)), _cn_number(m.group(3)))
        except (KeyError, ValueError):
            d = None
        if d:
            found.append((m.start(), d))
    return [d for _, d in sorted(found, key=lambda x: x[0])]


def parse_date(text: str) -> dt.date | None:
    """The single date a cell or field holds, or None."""
    dates = find_dates(text.strip())
    return dates[0] if dates else None
