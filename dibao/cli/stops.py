"""`dibao cases stop KEY --date D --reason R [--notified D]`: a stop decision and the day it was notified."""

from __future__ import annotations

import argparse
from typing import Any

from .argparse_zh import subcommands


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    csub = subcommands(sub, "cases")
    sp = add("stop", cmd_cases_stop, "登记停保决定（日期、理由）及书面告知日期；再次运行可补登告知日期 / record a stop "
             "decision and its notice", csub)
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="停保决定日期 YYYY-MM-DD / decision date")
    sp.add_argument("--reason", required=True, help="停保理由，如 收入超标、死亡、迁出、渐退期满 / reason")
    sp.add_argument("--notified", help="书面告知日期 YYYY-MM-DD / date the household was notified")


def cmd_cases_stop(args: argparse.Namespace) -> int:
    from archiver.casesteps import record_stop

    from . import _open, _user, household_or_fail

    home, cat = _open(args)
    h = household_or_fail(cat, args.key)
    day, notified, reason = record_stop(cat, h.id, args.date, args.reason, _user(), args.notified)
    told = f"，{notified}书面告知" if notified else "；告知日期未登记（dibao cases stop … --notified 补登）"
    print(f"已登记 {h.key} {day} 停保：{reason}{told} / recorded")
    return 0
