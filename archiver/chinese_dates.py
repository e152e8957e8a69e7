"""Dates as Chinese forms write them: 2025年3月12日, 二〇二五年三月十二日, 二〇二五年三月廿三日, 贰〇贰伍年叁月壹拾贰日,
2025.3.12, 2025-03-12, 2025/3/12. Chinese numerals are read by cn2an (MIT), which knows more forms than a
table of our own (廿, 卅 is not among them; the financial capitals 壹贰叁…拾; 两)."""

from __future__ import annotations

import datetime as dt
import re

_ZERO = str.maketrans({"○": "〇", "Ｏ": "〇", "O": "〇", "o": "〇", "0": "〇"})  # OCR reads 〇 as the letter O or a zero
_CN = "〇○零ＯOo0一二两三四五六七八九十廿壹贰叁肆伍陆柒捌玖拾"

NUMERIC = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?(?!\d)")
CHINESE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,3}})\s*月\s*([{_CN}]{{1,3}})\s*日")


def _cn_number(text: str) -> int:
    """十二 → 12, 二十三 → 23, 廿三 → 23, 壹拾贰 → 12, 二〇二五 → 2025. ValueError when it is no number."""
    import cn2an

    return int(cn2an.cn2an(text.translate(_ZERO), "smart"))


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
            d = _make(_cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)))
        except (KeyError, ValueError):
            d = None
        if d:
            found.append((m.start(), d))
    return [d for _, d in sorted(found, key=lambda x: x[0])]


def parse_date(text: str) -> dt.date | None:
    """The single date a cell or field holds, or None."""
    dates = find_dates(text.strip())
    return dates[0] if dates else None
