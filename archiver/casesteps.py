"""Case steps staff record by hand — a stop decision (停保, with the day it was notified in writing), the
家庭经济状况核对 and a completed periodic review (复核) — validated once here for the command line (`dibao cases
stop|verify`, `dibao review record`) and the household page alike, so both refuse the same input with the
same words."""

from __future__ import annotations

import datetime as dt

from .catalog import Catalog, reviews
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
    cat.record_stop(household_id, day, reason, user, told)
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
    cat.add_case_entry(household_id, "核对", day, detail, user)
    return detail


def record_review(cat: Catalog, household_id: int, approved_on: str | None, date: str, result: str, reviewer: str,
                  user: str) -> reviews.RecordedReview:
    """A completed 复核: not dated in the future nor before the household was approved, with its result; it
    restarts the review clock like a filed 复核记录 does."""
    day = _day(date, "复核日期")
    if day > dt.date.today().isoformat():
        raise UserValueError(f"复核日期不能晚于今天：{day} / the review date is in the future")
    if approved_on and day < approved_on:
        raise UserValueError(f"复核日期早于该户纳入日期 {approved_on}：{day} / review before approval")
    if not result.strip():
        raise UserValueError("复核结果不能为空 / the result is empty")
    return cat.record_review(household_id, day, result.strip(), reviewer.strip(), user)
