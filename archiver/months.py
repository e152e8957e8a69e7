"""Calendar months, in one place: the last day of a month and adding months to a date (day clamped to the
month's length: 31 Jan + 1 month = 28/29 Feb), used by rosters' periods, reviews, notices and inspections."""

from __future__ import annotations

import datetime as dt
import functools


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


@functools.lru_cache(maxsize=1 << 16)
def iso_day(text: str) -> dt.date:
    """dt.date.fromisoformat, cached: a county's members share a few ten thousand birthdays."""
    return dt.date.fromisoformat(text)


@functools.lru_cache(maxsize=4096)
def last_day(ym: str) -> str:
    """'YYYY-MM-DD' of the last day of month 'YYYY-MM' — asked for every month of every payment row, so cached."""
    return month_end(int(ym[:4]), int(ym[5:7])).isoformat()


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, month_end(year, month).day))
