"""`dibao objection add|close|list`: the register of 公示异议, 信访, 举报 and 来电 (who raised it, when, about
which household, what was alleged, who checks it, the finding and result). The register shows the
complainant's name; the audit log and every other output get it masked."""

from __future__ import annotations

import argparse

from ..errors import UsageError
from .context import Subcommands, cli_user, command, group, household_or_fail, iso_day, open_home, print_json


def build(sub: Subcommands) -> None:
    from archiver.catalog.objections import KINDS, RESULTS

    osub = group(sub, "objection", "公示异议、信访、举报、来电登记（核查、结果、办结）/ objections and complaints register")
    sp = command(osub, "add", cmd_objection_add, "登记一件异议、信访、举报或来电，输出编号 / register one, prints its id")
    sp.add_argument("--kind", required=True, choices=list(KINDS), help="类型 / kind")
    sp.add_argument("--date", required=True, help="受理日期 YYYY-MM-DD / date received")
    sp.add_argument("--household", required=True, metavar="KEY", help="所涉户：户编号或成员身份证号 / household")
    sp.add_argument("--by", default="", help="反映人姓名，不给为匿名 / complainant (default 匿名)")
    sp.add_argument("--text", required=True, help="反映的问题 / what was alleged")
    sp.add_argument("--about", default="", help="所涉公示或案件，如 2025-06-01公示 / the 公示 or case concerned")
    sp.add_argument("--checker", default="", help="核查人 / who checks it")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(osub, "close", cmd_objection_close, "登记核查结果并办结 / record the finding and close")
    sp.add_argument("id", help="登记编号 / register id")
    sp.add_argument("--date", required=True, help="办结日期 YYYY-MM-DD / date closed")
    sp.add_argument("--result", required=True, choices=list(RESULTS), help="核查结果 / result")
    sp.add_argument("--finding", required=True, help="核查情况 / what the check found")
    sp.add_argument("--checker", default="", help="核查人 / who checked it")
    sp = command(osub, "list", cmd_objection_list, "列出登记（含期限）/ list the register with deadlines")
    sp.add_argument("--open", action="store_true", help="只列未办结的 / open ones only")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")


def cmd_objection_add(args: argparse.Namespace) -> int:

    if not args.text.strip():
        raise UsageError("请写明反映的问题（--text）/ the allegation is empty")
    day = iso_day(args.date, "--date")
    home, cat = open_home(args)
    h = household_or_fail(cat, args.household)
    oid = cat.add_objection(h.id, args.kind, day, args.by, args.text.strip(), cli_user(), args.about.strip(),
                            args.checker.strip())
    if args.json:
        print_json({"id": str(oid), "household_id": h.key, "kind": args.kind, "date": day})
    else:
        print(oid)
    return 0


def cmd_objection_close(args: argparse.Namespace) -> int:

    if not args.id.isdigit():
        raise UsageError(f"登记编号应为数字：{args.id} / id must be a number")
    day = iso_day(args.date, "--date")
    if not args.finding.strip():
        raise UsageError("请写明核查情况（--finding）/ the finding is empty")
    home, cat = open_home(args)
    o = cat.objection(int(args.id))
    if o is None:
        raise UsageError(f"没有第{args.id}号登记 / no such entry")
    if day < o.raised_on:
        raise UsageError(f"办结日期 {day} 早于受理日期 {o.raised_on} / closed before it was received")
    cat.close_objection(o.id, day, args.result, args.finding.strip(), cli_user(), args.checker.strip())
    print(f"第{o.id}号已办结：{args.result} / closed")
    return 0


def cmd_objection_list(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import stats
    from generators.rules import objections

    home, cat = open_home(args)
    scope = stats.area(cat, args.scope)
    rows = objections.register_rows(cat, scope, load(home.root), open_only=args.open)
    cat.audit(cli_user(), "objection.list", args.scope or "全部", f"{len(rows)}条")
    if args.json:
        print_json({"objections": rows})
        return 0
    for r in rows:
        state = f"{r['closed']} {r['result']}" if r["closed"] else ("已逾期" if r["overdue"] else f"期限{r['due']}")
        print(f"{r['id']}\t{r['date']}\t{r['kind']}\t{r['household_id']} {r['village']}{r['head']}\t反映人{r['by']}\t"
              f"{r['text']}\t{state}")
    print(f"共 {len(rows)} 件 / {len(rows)} entries")
    return 0
