"""`dibao cases …` (the case timeline's due list and the steps staff record by hand) and `dibao form`
(pre-filled forms whose QR code files the signed scan back to the household and case step)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from archiver import codekeys
from archiver.catalog import Scope


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    from generators.forms import KINDS

    cp = add("cases", _missing, "办理过程：时限、待办、不予批准登记 / case timeline")
    csub = cp.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("due", cmd_cases_due, "即将到期和已逾期的环节（公示届满、审批期限、告知期限），最近的在前 / steps coming due", csub)
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("--on", help="以该日为准 YYYY-MM-DD，默认今天 / reference day")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = add("refuse", cmd_cases_refuse, "登记不予批准决定（日期、理由，可同时登记告知日期）/ record a refusal", csub)
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="决定日期 YYYY-MM-DD / decision date")
    sp.add_argument("--reason", required=True, help="不予批准的理由 / reason")
    sp.add_argument("--notified", help="书面告知日期 YYYY-MM-DD / date the applicant was notified")
    sp = add("notify", cmd_cases_notify, "登记不予批准的书面告知日期 / record the refusal notice date", csub)
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="告知日期 YYYY-MM-DD / date notified")
    sp = add("extend", cmd_cases_extend, "登记延长审核期限（30个工作日延至45个）/ record an extension", csub)
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="延期决定日期 YYYY-MM-DD / date of the extension")
    sp.add_argument("--reason", default="", help="延期原因 / reason")

    sp = add("form", cmd_form, "打印预填表单（带二维码，签字扫描后自动归档到该户和环节）/ print a pre-filled form")
    sp.add_argument("kind", choices=list(KINDS), help="表单 / form kind")
    sp.add_argument("key", nargs="?", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--village", help="整村每户一份，合为一个文件 / every household of a village in one file")
    sp.add_argument("-o", "--output", required=True, help="输出 .docx 或 .pdf / output file")


def _missing(args: argparse.Namespace) -> int:
    from ..errors import UsageError

    raise UsageError("缺少子命令，请运行 dibao cases --help / missing subcommand")


def _date(value: str, flag: str) -> str:
    from ..errors import UsageError

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise UsageError(f"{flag} 日期格式应为 YYYY-MM-DD：{value} / bad date") from exc


def cmd_cases_due(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import cases

    from ..errors import UsageError
    from . import _open, _print_json

    home, cat = _open(args)
    if args.scope and args.scope not in {n for t, vs in cat.area_names().items() for n in [t, *vs]}:
        raise UsageError(f"范围不存在：{args.scope}（应为乡镇或村名）/ unknown scope")
    day = _date(args.on, "--on") if args.on else None
    households = cat.households(Scope(name=args.scope), full=True)
    data = cases.due_steps(cat, households, load(home.root), day)
    if args.json:
        _print_json(data)
        return 0
    for r in data["steps"]:
        flag = "已逾期" if r["late"] else "将到期"
        print(f"{r['due']}\t{flag}\t{r['household_id']}\t{r['village']}{r['head_name']}\t{r['kind']}·{r['step']}")
    if data["calendar_unknown_years"]:
        print(f"注意：{'、'.join(map(str, data['calendar_unknown_years']))}年的节假日安排未收录，工作日暂按周末计算 / "
              "calendar year unknown")
    print(f"共 {len(data['steps'])} 项 / {len(data['steps'])} steps")
    return 0


def _record(args: argparse.Namespace, step: str, date: str, detail: str) -> None:
    from archiver.catalog.casefacts import add_case_entry

    from . import _open, _user, household_or_fail

    home, cat = _open(args)
    h = household_or_fail(cat, args.key)
    add_case_entry(cat, h.id, step, date, detail, _user())
    print(f"已登记 {h.key} {step} {date} {detail}".rstrip() + " / recorded")


def cmd_cases_refuse(args: argparse.Namespace) -> int:
    from ..errors import UsageError

    if not args.reason.strip():
        raise UsageError("请写明不予批准的理由 / a refusal needs its reason")
    _record(args, "不予批准", _date(args.date, "--date"), args.reason.strip())
    if args.notified:
        _record(args, "告知", _date(args.notified, "--notified"), "")
    return 0


def cmd_cases_notify(args: argparse.Namespace) -> int:
    _record(args, "告知", _date(args.date, "--date"), "")
    return 0


def cmd_cases_extend(args: argparse.Namespace) -> int:
    _record(args, "延期", _date(args.date, "--date"), args.reason)
    return 0


def cmd_form(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import cases, forms
    from generators.documents import TemplateProblem

    from ..errors import UsageError
    from . import _open, _user
    from .commands import key_or_village

    home, cat = _open(args)
    households = key_or_village(cat, args.key, args.village, full=True)
    policy = load(home.root)
    ctx = cases.Context.load(cat, households, policy)
    secret = codekeys.secret(home.root)
    items = [forms.context(h, args.kind, policy, cases.for_household(h, ctx), secret=secret) for h in households]
    try:
        out = forms.render(args.kind, items, Path(args.output), home.templates)
    except (forms.FormProblem, TemplateProblem) as exc:
        raise UsageError(str(exc)) from exc
    with cat.transaction():
        cat.audit(_user(), "export.form", f"{args.kind} {args.key or args.village}", str(out))
    print(f"已生成{args.kind} {len(items)} 份：{out} / {len(items)} forms written")
    return 0
