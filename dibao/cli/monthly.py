"""`dibao report monthly --month YYYY-MM | --quarter YYYYQn [--scope] [-o F.xlsx] [--json]`: the 低保月报/季报."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .argparse_zh import subcommands


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    rsub = subcommands(sub, "report")
    sp = add("monthly", cmd_report_monthly, "低保月报/季报（Excel）：期末在保户数人数（城乡）、新增停保调整、发放金额、"
             "人员类别、分类 / monthly or quarterly figures", rsub)
    when = sp.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="月份 YYYY-MM / month")
    when.add_argument("--quarter", help="季度 YYYYQn，如 2025Q2 / quarter")
    sp.add_argument("--scope", help="乡镇或村名，默认全部（按乡镇分列）/ township or village")
    sp.add_argument("-o", "--output", help="输出 .xlsx 文件 / output .xlsx")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")


def cmd_report_monthly(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import monthly, stats

    from . import _open, _print_json, _user

    if not args.output and not args.json:
        raise UsageError("请给出 -o 输出文件或 --json / give -o or --json")
    if args.output and Path(args.output).suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件应为 .xlsx：{args.output} / output must be .xlsx")
    try:
        period = monthly.month(args.month) if args.month else monthly.quarter(args.quarter)
    except monthly.BadPeriod as exc:
        raise UsageError(str(exc)) from exc
    home, cat = _open(args)
    policy = load(home.root)
    try:
        data = monthly.compute(cat, period, args.scope, policy)
    except stats.UnknownScope as exc:
        raise UsageError(str(exc)) from exc
    if args.output:
        out = monthly.write_xlsx(cat, data, policy, Path(args.output))
        cat.audit(_user(), "report.monthly", f"{data['scope']} {period.key}", "cli")
        if not args.json:
            print(f"已生成{monthly.title(data, '' if data['scope'] == '全部' else data['scope'])}：{out} / written")
    if args.json:
        _print_json(data)
    return 0
