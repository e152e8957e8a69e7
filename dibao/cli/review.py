"""`dibao review record`: a completed periodic review (复核) entered by staff — it restarts the review clock
like a filed 复核记录 scan does, and keeps the result and reviewer for the review plan."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    from . import _help

    rp: argparse.ArgumentParser = add("review", lambda a: _help(parser, "review"), "记录定期复核结果 / record periodic reviews")
    rsub = rp.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("record", cmd_review_record, "记录一次已完成的复核 / record a completed review", rsub)
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="复核日期 YYYY-MM-DD / date of the review")
    sp.add_argument("--result", required=True, help="复核结果，如：维持、调增、调减、停保 / result")
    sp.add_argument("--reviewer", default="", help="复核人 / who reviewed")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")


def cmd_review_record(args: argparse.Namespace) -> int:
    from archiver.catalog import reviews

    from ..errors import UsageError
    from . import _open, _print_json, _user, household_or_fail

    try:
        day = dt.date.fromisoformat(args.date)
    except ValueError as exc:
        raise UsageError(f"复核日期格式应为 YYYY-MM-DD：{args.date} / bad --date") from exc
    if day > dt.date.today():
        raise UsageError(f"复核日期不能晚于今天：{args.date} / --date is in the future")
    result = args.result.strip()
    if not result:
        raise UsageError("复核结果不能为空 / --result is empty")
    home, cat = _open(args)
    h = household_or_fail(cat, args.key)
    if h.approved_on and day.isoformat() < h.approved_on:
        raise UsageError(f"复核日期早于该户纳入日期 {h.approved_on}：{args.date} / review before approval")
    r = reviews.record(cat, h.id, day.isoformat(), result, args.reviewer.strip(), _user())
    if args.json:
        _print_json({"household_id": h.key, "date": r.date, "result": r.result, "reviewer": r.reviewer,
                     "recorded_by": r.recorded_by, "recorded_at": r.recorded_at})
        return 0
    print(f"已记录复核：{h.key} {h.village}{h.head_name}户 {r.date} {r.result}"
          f"{'（复核人 ' + r.reviewer + '）' if r.reviewer else ''} / review recorded")
    return 0
