"""`dibao cases verify KEY --date D --result 符合|不符合 [--found 存款 …]`: the 家庭经济状况核对 of a case."""

from __future__ import annotations

import argparse
from typing import Any

from archiver.casesteps import CHECK_FINDS, RESULTS

from .argparse_zh import subcommands


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    csub = subcommands(sub, "cases")
    sp = add("verify", cmd_cases_verify, "登记家庭经济状况核对结果（日期、符合/不符合、查到的存款车辆房产等）/ record the "
             "economic check", csub)
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="核对报告日期 YYYY-MM-DD / date of the check report")
    sp.add_argument("--result", required=True, choices=list(RESULTS), help="核对结论 / result")
    sp.add_argument("--found", action="append", choices=list(CHECK_FINDS), default=[],
                    help="核对查到的项目（可重复）/ what the check found (repeatable)")


def cmd_cases_verify(args: argparse.Namespace) -> int:
    from archiver.casesteps import record_check

    from . import _open, _user, household_or_fail

    home, cat = _open(args)
    h = household_or_fail(cat, args.key)
    detail = record_check(cat, h.id, args.date, args.result, args.found, _user())
    print(f"已登记 {h.key} 核对 {args.date.strip()} {detail} / recorded")
    return 0
