"""The figures and the documents generated from them: `dibao stats`, `dibao report summary|notice|inspection|
monthly`, `dibao inspect` and `dibao templates export`. Thin over generators/."""

from __future__ import annotations

import argparse
import sys
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
    sp = command(sub, "stats", cmd_stats, "年度统计数字（工作总结所用）/ figures for the annual summary")
    sp.add_argument("--year", type=int, required=True, help="年份 / calendar year")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    rsub = group(sub, "report", "生成文书：工作总结、公示、检查通报 / generate documents")
    sp = command(rsub, "summary", cmd_report_summary, "年度低保工作总结（Word）/ year-end work summary (.docx)")
    sp.add_argument("--year", type=int, required=True, help="年份 / calendar year")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("-o", "--output", required=True, help="输出 .docx 文件 / output .docx")
    sp.add_argument("--date", help="成文日期 YYYY-MM-DD，默认生成当天 / date signed (default: today)")
    sp = command(rsub, "notice", cmd_report_notice, "村级公示名单（PDF或Word）/ public notice (.pdf or .docx)")
    sp.add_argument("--village", help="村(社区) / village")
    sp.add_argument("--township", help="乡镇(街道)：每村一页，合成一个文件 / every village of a township, one per page")
    sp.add_argument("--kind", required=True, choices=["新增", "停保", "调整"], help="公示类型 / kind of change")
    sp.add_argument("--from", dest="start", help="公示开始日期 YYYY-MM-DD，默认今天 / first day of the notice")
    sp.add_argument("--to", dest="until", help="列入 --from 至 --to 期间的变动和待审批的拟纳入/拟停保对象，默认 --from 所在月份 / changes and pending cases up to this day")
    sp.add_argument("--household", action="append", metavar="KEY",
                    help="只列这些户（可重复）/ only these households (repeatable)")
    sp.add_argument("--days", type=int, help="公示天数，默认取 policy.toml（7天）/ days on the board")
    sp.add_argument("-o", "--output", required=True, help="输出 .pdf 或 .docx 文件 / output file")
    sp = command(rsub, "inspection", cmd_report_inspection,
                 "检查通报（Word）：完整率、问题分类、问题户、工作要求 / inspection report")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("--year", type=int, help="按该年12月31日检查，默认今天 / as of 31 Dec of this year")
    sp.add_argument("--checked-from", help="检查开始日期 YYYY-MM-DD（不给则留待填写）/ first day of the inspection")
    sp.add_argument("--checked-to", help="检查结束日期 YYYY-MM-DD / last day of the inspection")
    sp.add_argument("-o", "--output", required=True, help="输出 .docx 文件 / output .docx")
    sp.add_argument("--date", help="成文日期 YYYY-MM-DD，默认生成当天 / date signed (default: today)")
    sp = command(rsub, "monthly", cmd_report_monthly, "低保月报/季报（Excel）：期末在保户数人数（城乡）、新增停保调整、发放金额、"
                 "人员类别、分类 / monthly or quarterly figures")
    when = sp.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="月份 YYYY-MM / month")
    when.add_argument("--quarter", help="季度 YYYYQn，如 2025Q2 / quarter")
    sp.add_argument("--scope", help="乡镇或村名，默认全部（按乡镇分列）/ township or village")
    sp.add_argument("-o", "--output", help="输出 .xlsx 文件 / output .xlsx")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    sp = command(sub, "inspect", cmd_inspect, "检查违规和不规范情况（重复享受、停保后发放、逾期复核等）/ find irregularities")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("--year", type=int, help="按该年12月31日检查，默认今天 / check as of 31 Dec of this year")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    tsub = group(sub, "templates", "文书模板 / document templates")
    sp = command(tsub, "export", cmd_templates_export,
                 "导出默认模板供修改（放入 HOME/templates 即生效）/ copy the default templates out")
    sp.add_argument("dir", help="目标目录 / target folder")


def cmd_stats(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import stats

    home, cat = open_home(args)
    data = stats.compute(cat, args.year, args.scope, load(home.root))
    if args.json:
        print_json(data)
        return 0
    labels = {"households_end": "年末在保户数", "persons_end": "年末在保人数", "new_households": "新增户数",
              "new_persons": "新增人数", "exited_households": "退出户数", "exited_persons": "退出人数",
              "increased": "调增次数", "decreased": "调减次数", "disbursed_total": "全年发放金额(元)",
              "disabled_persons": "残疾人数", "overdue_reviews": "逾期未复核户数", "cadre_relatives": "村干部近亲属户数"}
    print(f"{data['year']}年 {data['scope']} 低保统计")
    for k, label in labels.items():
        print(f"  {label}\t{data[k]}")
    print(f"  分季度发放(元)\t{data['disbursed_by_quarter']}")
    return 0


def _step_on_stderr(what: str, done: int, total: int) -> None:
    """A county's documents take a while: each step is said on stderr as it begins (stdout stays the result)."""
    print(f"[{done + 1}/{total}] {what}…", file=sys.stderr, flush=True)


def _signed(value: str | None):  # type: ignore[no-untyped-def]
    """--date: the 成文日期 staff give, else the day the document is generated."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError as exc:
        raise UsageError(f"日期格式应为 YYYY-MM-DD：--date {value} / bad --date") from exc


def _warn_placeholders(policy, year: int | None) -> None:  # type: ignore[no-untyped-def]
    """Settings still at the init defaults are said before generating: the document prints 【待填写】 there."""
    from generators.gongwen import warnings

    for line in warnings(policy, year):
        print(line, file=sys.stderr, flush=True)


def cmd_report_summary(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import summary

    home, cat = open_home(args)
    if not args.output.lower().endswith(".docx"):
        raise UsageError("工作总结输出应为 .docx 文件 / the summary is a .docx file")
    policy = load(home.root)
    signed = _signed(args.date)
    _warn_placeholders(policy, args.year)
    out = summary.render(cat, args.year, args.scope, policy, Path(args.output), home.templates,
                         progress=_step_on_stderr, signed=signed)
    audit_export(cat, "summary", f"{args.year} {args.scope or '全部'}", out)
    print(f"已生成工作总结：{out} / summary written")
    return 0


def cmd_report_notice(args: argparse.Namespace) -> int:
    import datetime as dt

    from archiver.policy import load, notice_length
    from generators import notice

    home, cat = open_home(args)
    policy = load(home.root)
    if not args.village and not args.township:
        raise UsageError("请给出 --village 或 --township / give --village or --township")
    dates = []
    for flag, value in (("--from", args.start), ("--to", args.until)):
        try:
            dates.append(dt.date.fromisoformat(value) if value else None)
        except ValueError as exc:
            raise UsageError(f"日期格式应为 YYYY-MM-DD：{flag} {value} / bad {flag} date") from exc
    start, until = dates[0] or dt.date.today(), dates[1]
    _warn_placeholders(policy, start.year)
    days = args.days or notice_length(policy)
    if days < 1:
        raise UsageError("公示天数至少为1天 / --days must be at least 1")
    try:
        keys = {household_or_fail(cat, k).key for k in args.household} if args.household else None
        out = notice.render(cat, args.village, args.kind, start, days, policy, Path(args.output), home.templates,
                            until=until, township=args.township, keys=keys)
    except notice.NothingToNotice as exc:
        print(str(exc), file=sys.stderr)
        return 1
    target = " ".join(x for x in (args.township, args.village, args.kind) if x)
    audit_export(cat, "notice", target, out)
    since, to, end = notice.period(start, until, days)
    said = "" if until else (f"（未给 --to：--from {start.isoformat()} 所在月份，及公示期跨入的下月日期）" if args.start
                             else "（未给 --from：从今天起公示，列入本月）")
    print(f"公示期 {start.isoformat()} 至 {end.isoformat()}（{days}天）；列入 {since} 至 {to} 期间已审批的{args.kind}变动"
          f"和待审批对象{said} / notice period {start}..{end}; cases dated {since}..{to}")
    print(f"已生成公示：{out} / notice written")
    return 0


def cmd_templates_export(args: argparse.Namespace) -> int:
    import shutil

    from generators.render import TEMPLATES

    target = Path(args.dir)
    target.mkdir(parents=True, exist_ok=True)
    names = []
    for f in sorted([*TEMPLATES.glob("*.docx"), *TEMPLATES.glob("*.html")]):
        shutil.copy2(f, target / f.name)
        names.append(f.name)
    print(f"已导出模板 {', '.join(names)} 到 {target}；修改后放入 HOME/templates/ 即替代默认模板 / templates exported")
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import inspection
    from generators.rules import checks

    home, cat = open_home(args)
    findings = inspection.run(cat, args.scope, args.year, load(home.root))
    if args.json:
        print_json({"scope": args.scope or "全部", "year": args.year, "findings": [checks.as_json(f) for f in findings]})
        return 0
    by_code: dict[str, list] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    for code, items in by_code.items():
        print(f"【{checks.title(code)}】{len(items)} 处 / {code}")
        for f in items[:50]:
            print(f"  {', '.join(f.households)}  {f.message}")
        if len(items) > 50:
            print(f"  ……另有 {len(items) - 50} 处")
    print(f"共发现 {len(findings)} 处问题 / {len(findings)} findings")
    return 0


def cmd_report_inspection(args: argparse.Namespace) -> int:
    import datetime as dt

    from archiver.policy import load
    from generators import inspection

    home, cat = open_home(args)
    checked = None
    if args.checked_from or args.checked_to:
        try:
            checked = (dt.date.fromisoformat(args.checked_from or args.checked_to),
                       dt.date.fromisoformat(args.checked_to or args.checked_from))
        except ValueError as exc:
            raise UsageError("检查日期格式应为 YYYY-MM-DD / bad --checked-from/--checked-to") from exc
        if checked[1] < checked[0]:
            raise UsageError("--checked-to 早于 --checked-from / --checked-to is before --checked-from")
    policy = load(home.root)
    signed = _signed(args.date)
    _warn_placeholders(policy, args.year)
    out, ctx = inspection.render(cat, args.scope, args.year, policy, Path(args.output), home.templates,
                                 checked, _step_on_stderr, signed)
    audit_export(cat, "inspection", args.scope or "全部", out)
    print(f"已生成检查通报：{out}（检查 {ctx['checked']} 户，完整率 {ctx['rate']}）/ inspection report written")
    return 0


def cmd_report_monthly(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import monthly

    if not args.output and not args.json:
        raise UsageError("请给出 -o 输出文件或 --json / give -o or --json")
    if args.output and Path(args.output).suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件应为 .xlsx：{args.output} / output must be .xlsx")
    period = monthly.month(args.month) if args.month else monthly.quarter(args.quarter)
    home, cat = open_home(args)
    policy = load(home.root)
    data = monthly.compute(cat, period, args.scope, policy)
    if args.output:
        out = monthly.write_xlsx(cat, data, policy, Path(args.output))
        cat.audit(cli_user(), "report.monthly", f"{data['scope']} {period.key}", "cli")
        if not args.json:
            print(f"已生成{monthly.title(data, '' if data['scope'] == '全部' else data['scope'])}：{out} / written")
    if args.json:
        print_json(data)
    return 0
