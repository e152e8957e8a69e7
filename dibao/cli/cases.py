"""`dibao cases due|refuse|notify|extend|stop|verify` (the case timeline's due list and the steps staff record
by hand) and `dibao form` (pre-filled forms whose QR code files the signed scan back to the household and
case step)."""

from __future__ import annotations

import argparse
from pathlib import Path

from archiver import codekeys
from archiver.catalog import Scope

from ..errors import UsageError
from .context import (
    Subcommands,
    cli_user,
    command,
    group,
    household_or_fail,
    iso_day,
    key_or_village,
    open_home,
    print_json,
)


def build(sub: Subcommands) -> None:
    from archiver.casesteps import CHECK_FINDS, RESULTS
    from generators.forms import KINDS

    csub = group(sub, "cases", "办理过程：时限、待办、不予批准登记 / case timeline")
    sp = command(csub, "due", cmd_cases_due, "即将到期和已逾期的环节（公示届满、审批期限、告知期限），最近的在前 / steps coming due")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("--on", help="以该日为准 YYYY-MM-DD，默认今天 / reference day")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(csub, "refuse", cmd_cases_refuse, "登记不予批准决定（日期、理由，可同时登记告知日期）/ record a refusal")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="决定日期 YYYY-MM-DD / decision date")
    sp.add_argument("--reason", required=True, help="不予批准的理由 / reason")
    sp.add_argument("--notified", help="书面告知日期 YYYY-MM-DD / date the applicant was notified")
    sp = command(csub, "notify", cmd_cases_notify, "登记不予批准的书面告知日期 / record the refusal notice date")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="告知日期 YYYY-MM-DD / date notified")
    sp = command(csub, "extend", cmd_cases_extend, "登记延长审核期限（30个工作日延至45个）/ record an extension")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="延期决定日期 YYYY-MM-DD / date of the extension")
    sp.add_argument("--reason", default="", help="延期原因 / reason")
    sp = command(csub, "stop", cmd_cases_stop, "登记停保决定（日期、理由）及书面告知日期；再次运行可补登告知日期 / record a stop "
                 "decision and its notice")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="停保决定日期 YYYY-MM-DD / decision date")
    sp.add_argument("--reason", required=True, help="停保理由，如 收入超标、死亡、迁出、渐退期满 / reason")
    sp.add_argument("--notified", help="书面告知日期 YYYY-MM-DD / date the household was notified")
    sp = command(csub, "verify", cmd_cases_verify, "登记家庭经济状况核对结果（日期、符合/不符合、查到的存款车辆房产等）/ record the "
                 "economic check")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--date", required=True, help="核对报告日期 YYYY-MM-DD / date of the check report")
    sp.add_argument("--result", required=True, choices=list(RESULTS), help="核对结论 / result")
    sp.add_argument("--found", action="append", choices=list(CHECK_FINDS), default=[],
                    help="核对查到的项目（可重复）/ what the check found (repeatable)")

    sp = command(sub, "form", cmd_form, "打印预填表单（带二维码，签字扫描后自动归档到该户和环节）/ print a pre-filled form")
    sp.add_argument("kind", choices=list(KINDS), help="表单 / form kind")
    sp.add_argument("key", nargs="?", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--village", help="整村每户一份，合为一个文件 / every household of a village in one file")
    sp.add_argument("-o", "--output", required=True, help="输出 .docx 或 .pdf / output file")


def cmd_cases_due(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators.rules import cases

    home, cat = open_home(args)
    if args.scope and args.scope not in {n for t, vs in cat.area_names().items() for n in [t, *vs]}:
        raise UsageError(f"范围不存在：{args.scope}（应为乡镇或村名）/ unknown scope")
    day = iso_day(args.on, "--on") if args.on else None
    households = cat.households(Scope(name=args.scope), full=True)
    data = cases.due_steps(cat, households, load(home.root), day)
    if args.json:
        print_json(data)
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

    home, cat = open_home(args)
    h = household_or_fail(cat, args.key)
    cat.add_case_entry(h.id, step, date, detail, cli_user())
    print(f"已登记 {h.key} {step} {date} {detail}".rstrip() + " / recorded")


def cmd_cases_refuse(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise UsageError("请写明不予批准的理由 / a refusal needs its reason")
    _record(args, "不予批准", iso_day(args.date, "--date"), args.reason.strip())
    if args.notified:
        _record(args, "告知", iso_day(args.notified, "--notified"), "")
    return 0


def cmd_cases_notify(args: argparse.Namespace) -> int:
    _record(args, "告知", iso_day(args.date, "--date"), "")
    return 0


def cmd_cases_extend(args: argparse.Namespace) -> int:
    _record(args, "延期", iso_day(args.date, "--date"), args.reason)
    return 0


def cmd_cases_stop(args: argparse.Namespace) -> int:
    from archiver.casesteps import record_stop

    home, cat = open_home(args)
    h = household_or_fail(cat, args.key)
    day, notified, reason = record_stop(cat, h.id, args.date, args.reason, cli_user(), args.notified)
    told = f"，{notified}书面告知" if notified else "；告知日期未登记（dibao cases stop … --notified 补登）"
    print(f"已登记 {h.key} {day} 停保：{reason}{told} / recorded")
    return 0


def cmd_cases_verify(args: argparse.Namespace) -> int:
    from archiver.casesteps import record_check

    home, cat = open_home(args)
    h = household_or_fail(cat, args.key)
    detail = record_check(cat, h.id, args.date, args.result, args.found, cli_user())
    print(f"已登记 {h.key} 核对 {args.date.strip()} {detail} / recorded")
    return 0


def cmd_form(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import forms
    from generators.rules import cases

    home, cat = open_home(args)
    households = key_or_village(cat, args.key, args.village, full=True)
    policy = load(home.root)
    ctx = cases.Context.load(cat, households, policy)
    secret = codekeys.secret(home.root)
    items = [forms.context(h, args.kind, policy, cases.for_household(h, ctx), secret=secret) for h in households]
    out = forms.render(args.kind, items, Path(args.output), home.templates)
    with cat.transaction():
        cat.audit(cli_user(), "export.form", f"{args.kind} {args.key or args.village}", str(out))
    print(f"已生成{args.kind} {len(items)} 份：{out} / {len(items)} forms written")
    return 0
