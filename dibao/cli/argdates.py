"""Dates as staff type them on the command line: 2025/06/01, 2025.6.1 and 2025年6月1日 (and months as 2025/06,
2025年6月) are read as 2025-06-01 (2025-06) before the commands see them, so every `--date`, `--from`,
`--on` and `--month` takes them alike. Only an argument that is a date and nothing else is touched; free text
and passwords never are."""

from __future__ import annotations

import datetime as dt
import re

DAY = re.compile(r"((?:19|20)\d{2})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?")
MONTH = re.compile(r"((?:19|20)\d{2})\s*[年/.]\s*(\d{1,2})\s*月?")
FREE_TEXT = {"--password", "--text", "--finding", "--reason", "--note", "--name", "--by", "--address"}


def iso(value: str) -> str:
    """`value` as YYYY-MM-DD or YYYY-MM when it is a date or month written another way, else unchanged."""
    m = DAY.fullmatch(value.strip())
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return value
    m = MONTH.fullmatch(value.strip())
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    return value


def iso_dates(argv: list[str]) -> list[str]:
    out: list[str] = []
    for i, arg in enumerate(argv):
        flag, eq, value = arg.partition("=")
        if i and argv[i - 1] in FREE_TEXT or (eq and flag in FREE_TEXT):
            out.append(arg)
        elif eq and flag.startswith("--"):
            out.append(f"{flag}={iso(value)}")
        else:
            out.append(iso(arg))
    return out
