"""Case steps staff record by hand — a stop decision (停保, with the day it was notified in writing) and the
家庭经济状况核对 — validated once here for the command line (`dibao cases stop|verify`) and the household
page alike, so both refuse the same input with the same words."""

from __future__ import annotations

import datetime as dt

from .catalog import Catalog
from .catalog import stops as catalog_stops
from .catalog.casefacts import add_case_entry
from .errors import UserValueError

RESULTS = ("符合", "不符合")  # 核对结论
CHECK_FINDS = ("存款", "车辆", "房产", "工商登记", "公积金")  # what a 家庭经济状况核对 reports on


def _day(value: str, what: str) -> str:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UserValueError(f"{what}格式应为 YYYY-MM-DD：{value.strip()[:20] or '未填写'} / bad date") from None


def record_stop(cat: Catalog, household_id: int, date: str, reason: str, user: str,
                notified: str | None = None) -> tuple[str, str | None, str]:
    """The decision (date, reason) and, when given, the written notice; returns them as stored."""
    reason = reason.strip()
    if not reason:
        raise UserValueError("请写明停保理由 / a stop needs its reason")
    day = _day(date, "停保决定日期")
    told = _day(notified, "书面告知日期") if notified and notified.strip() else None
    if told and told < day:
        raise UserValueError(f"告知日期 {told} 早于停保决定日期 {day} / notified before the decision")
    catalog_stops.record(cat, household_id, day, reason, user, told)
    return day, told, reason


def record_check(cat: Catalog, household_id: int, date: str, result: str, found: list[str], user: str) -> str:
    """The 核对 step of the household's case: its date, 符合/不符合 and what it found; returns the detail."""
    day = _day(date, "核对报告日期")
    if result not in RESULTS:
        raise UserValueError(f"核对结论应为{'或'.join(RESULTS)}：{result[:20] or '未选择'} / bad result")
    unknown = [f for f in found if f not in CHECK_FINDS]
    if unknown:
        raise UserValueError(f"核对项目应为{'、'.join(CHECK_FINDS)}之一：{'、'.join(unknown)[:40]} / unknown item")
    detail = result + ("；" + "、".join(dict.fromkeys(found)) if found else "")
    add_case_entry(cat, household_id, "核对", day, detail, user)
    return detail
