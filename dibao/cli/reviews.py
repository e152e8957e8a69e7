"""Periodic reviews (复核): `dibao reviews due` (the month's review plan, overdue included, as .xlsx) and
`dibao review record` (a completed review entered by staff — it restarts the review clock like a filed
复核记录 scan does, and keeps the result and reviewer for the plan)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from ..errors import UsageError
from .context import (
    Subcommands,
    audit_export,
    cli_user,
    command,
    group,
    household_or_fail,
    open_home,
    print_json,
)


def build(sub: Subcommands) -> None:
    vsub = group(sub, "reviews", "定期复核 / periodic reviews")
    sp = command(vsub, "due", cmd_reviews_due, "本月应复核（含逾期）户清单（Excel）/ review plan for a month (.xlsx)")
    sp.add_argument("--month", help="月份 YYYY-MM，默认本月 / month")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("-o", "--output", required=True, help="输出 .xlsx 文件 / output .xlsx")

    rsub = group(sub, "review", "记录定期复核结果 / record periodic reviews")
    sp = command(rsub, "record", cmd_review_record, "记录一次已完成的复核 / record a completed review")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="复核日期 YYYY-MM-DD / date of the review")
    sp.add_argument("--result", required=True, help="复核结果，如：维持、调增、调减、停保 / result")
    sp.add_argument("--reviewer", default="", help="复核人 / who reviewed")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")


def cmd_reviews_due(args: argparse.Namespace) -> int:
    import re

    from archiver.policy import load
    from generators import reviews

    home, cat = open_home(args)
    month = args.month or dt.date.today().strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise UsageError(f"月份格式应为 YYYY-MM：{month} / bad --month")
    policy = load(home.root)
    rows = reviews.due(cat, month, args.scope, policy, include_done=True)
    from generators.gongwen import office_name

    out = reviews.write_xlsx(rows, month, args.scope, Path(args.output), office_name(policy))
    audit_export(cat, "reviews", f"{month} {args.scope or '全部'}", out)
    overdue = sum(r["overdue"] and not r["done"] for r in rows)
    done = sum(r["done"] for r in rows)
    print(f"复核计划：{len(rows)} 户（其中逾期 {overdue} 户，已复核 {done} 户）→ {out} / review plan written")
    return 0


def cmd_review_record(args: argparse.Namespace) -> int:
    from archiver.casesteps import record_review

    home, cat = open_home(args)
    h = household_or_fail(cat, args.key)
    r = record_review(cat, h.id, h.approved_on, args.date, args.result, args.reviewer, cli_user())
    if args.json:
        print_json({"household_id": h.key, "date": r.date, "result": r.result, "reviewer": r.reviewer,
                    "recorded_by": r.recorded_by, "recorded_at": r.recorded_at})
        return 0
    print(f"已记录复核：{h.key} {h.village}{h.head_name}户 {r.date} {r.result}"
          f"{'（复核人 ' + r.reviewer + '）' if r.reviewer else ''} / review recorded")
    return 0
