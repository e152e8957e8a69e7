"""Commands beyond the foundation (scans, search, documents, web), registered on the parser."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from archiver import codekeys
from archiver.catalog import Scope
from archiver.filing import inside

from . import ocr_options


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    sp = add("assign", cmd_quarantine_assign, "把隔离文件手工归入某户 / file a quarantined document by hand", qsub)
    sp.add_argument("file_id", help="隔离编号（quarantine list 中的编号）/ quarantine item id")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--type", help="档案类型，如 收入证明 / document type")

    sp = add("watch", cmd_watch, "监视收件箱，文件写完后自动归档（Ctrl-C 结束）/ watch the inbox")
    sp.add_argument("--inbox", help="收件箱目录（默认 HOME/inbox）/ inbox folder")
    sp.add_argument("--poll", action="store_true", help="轮询模式，用于网络共享盘(SMB/NFS) / polling for network shares")
    sp.add_argument("--settle", type=float, default=3.0, help="文件大小和时间稳定多少秒后才处理 / seconds a file must stay unchanged")
    sp.add_argument("--rescan", type=float, default=60.0, help="每隔多少秒全量扫描一次 / full rescan interval in seconds")
    sp.add_argument("--once", action="store_true", help="处理完现有文件后退出 / process what is there, then exit")
    sp.add_argument("--quiet", action="store_true", help="不输出每个文件的结果 / no per-file output")
    ocr_options.add_arguments(sp)

    sp = add("search", cmd_search, "全文检索：姓名、拼音、身份证后几位、村名、档案内容 / full-text search")
    sp.add_argument("query", help='检索词，如：张秀英 村:红旗村 类型:收入证明 "家庭收入" 1234 / query')
    sp.add_argument("--limit", type=int, default=20, help="最多返回几户 / at most N households")
    sp.add_argument("--offset", type=int, default=0, help="跳过前 N 户（翻页）/ skip the first N households")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    add("reindex", cmd_reindex, "从目录重建检索索引 / rebuild the search index from the catalog")

    rp = add("report", lambda a: _missing_sub("report"), "生成文书：工作总结、公示、检查通报 / generate documents")
    rsub = rp.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("summary", cmd_report_summary, "年度低保工作总结（Word）/ year-end work summary (.docx)", rsub)
    sp.add_argument("--year", type=int, required=True, help="年份 / calendar year")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("-o", "--output", required=True, help="输出 .docx 文件 / output .docx")
    sp.add_argument("--date", help="成文日期 YYYY-MM-DD，默认生成当天 / date signed (default: today)")
    sp = add("notice", cmd_report_notice, "村级公示名单（PDF或Word）/ public notice (.pdf or .docx)", rsub)
    sp.add_argument("--village", help="村(社区) / village")
    sp.add_argument("--township", help="乡镇(街道)：每村一页，合成一个文件 / every village of a township, one per page")
    sp.add_argument("--kind", required=True, choices=["新增", "停保", "调整"], help="公示类型 / kind of change")
    sp.add_argument("--from", dest="start", help="公示开始日期 YYYY-MM-DD，默认今天 / first day of the notice")
    sp.add_argument("--to", dest="until", help="列入 --from 至 --to 期间的变动和待审批的拟纳入/拟停保对象，默认 --from 所在月份 / changes and pending cases up to this day")
    sp.add_argument("--household", action="append", metavar="KEY",
                    help="只列这些户（可重复）/ only these households (repeatable)")
    sp.add_argument("--days", type=int, help="公示天数，默认取 policy.toml（7天）/ days on the board")
    sp.add_argument("-o", "--output", required=True, help="输出 .pdf 或 .docx 文件 / output file")

    sp = add("inspect", cmd_inspect, "检查违规和不规范情况（重复享受、停保后发放、逾期复核等）/ find irregularities")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("--year", type=int, help="按该年12月31日检查，默认今天 / check as of 31 Dec of this year")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    sp = add("dossier", cmd_dossier, "一户一档：封面、材料清单、目录、全部材料（PDF）/ inspection-ready household dossier")
    sp.add_argument("key", nargs="?", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--village", help="整村每户一个PDF，另附索引 / one PDF per household of a village, plus an index")
    sp.add_argument("-o", "--output", required=True, help="输出PDF文件（整村时为目录）/ output PDF (a folder with --village)")

    vp = add("reviews", lambda a: _missing_sub("reviews"), "定期复核 / periodic reviews")
    vsub = vp.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("due", cmd_reviews_due, "本月应复核（含逾期）户清单（Excel）/ review plan for a month (.xlsx)", vsub)
    sp.add_argument("--month", help="月份 YYYY-MM，默认本月 / month")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("-o", "--output", required=True, help="输出 .xlsx 文件 / output .xlsx")

    sp = add("inspection", cmd_report_inspection, "检查通报（Word）：完整率、问题分类、问题户、工作要求 / inspection report", rsub)
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("--year", type=int, help="按该年12月31日检查，默认今天 / as of 31 Dec of this year")
    sp.add_argument("--checked-from", help="检查开始日期 YYYY-MM-DD（不给则留待填写）/ first day of the inspection")
    sp.add_argument("--checked-to", help="检查结束日期 YYYY-MM-DD / last day of the inspection")
    sp.add_argument("-o", "--output", required=True, help="输出 .docx 文件 / output .docx")
    sp.add_argument("--date", help="成文日期 YYYY-MM-DD，默认生成当天 / date signed (default: today)")

    sp = add("serve", cmd_serve, "启动网页界面（需登录，按属地管理）/ start the web interface")
    sp.add_argument("--host", default="127.0.0.1", help="监听地址 / address to listen on")
    sp.add_argument("--port", type=int, default=8000, help="端口 / port")
    sp.add_argument("--no-watch", action="store_true", help="不在本服务中自动归档收件箱（另行运行 dibao watch 时）/ do not watch the inbox")
    sp.add_argument("--certfile", help="HTTPS证书（局域网访问时必须，登录Cookie仅经HTTPS发送）/ TLS certificate")
    sp.add_argument("--keyfile", help="HTTPS私钥 / TLS private key")
    ocr_options.add_arguments(sp)

    up = add("user", lambda a: _missing_sub("user"), "网页用户 / web users")
    usub = up.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("add", cmd_user_add, "新增用户 / add a user", usub)
    sp.add_argument("name", help="用户名 / user name")
    sp.add_argument("--role", required=True, choices=["county", "township", "village"], help="县/乡镇/村级 / role")
    sp.add_argument("--area", default="", help="乡镇或村名（县级可省略）/ township or village")
    sp.add_argument("--password", help="密码（不给则从环境变量 DIBAO_PASSWORD 或终端读取）/ password")
    sp = add("passwd", cmd_user_passwd, "重置密码 / reset a password", usub)
    sp.add_argument("name", help="用户名 / user name")
    sp.add_argument("--password", help="新密码（不给则从 DIBAO_PASSWORD 或终端读取）/ new password")

    sp = add("audit", cmd_audit, "查看审计日志：登录、查看、导出 / read the audit log")
    sp.add_argument("--user", help="只看某用户 / one user")
    sp.add_argument("--since", help="起始日期 YYYY-MM-DD / from this date")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    tp = add("templates", lambda a: _missing_sub("templates"), "文书模板 / document templates")
    tsub = tp.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("export", cmd_templates_export, "导出默认模板供修改（放入 HOME/templates 即生效）/ copy the default templates out", tsub)
    sp.add_argument("dir", help="目标目录 / target folder")

    sp = add("coversheet", cmd_coversheet, "打印带二维码的扫描封面 / print QR cover sheets for batch scanning")
    sp.add_argument("key", nargs="?", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--village", help="为整个村每户各打印一张 / one sheet per household of a village")
    sp.add_argument("-o", "--output", required=True, help="输出PDF文件 / output PDF")


def cmd_quarantine_assign(args: argparse.Namespace) -> int:
    from archiver import classify
    from archiver.documents import file_quarantined

    from ..errors import UsageError
    from . import _open, _user, household_or_fail

    home, cat = _open(args)
    hid = household_or_fail(cat, args.key).id
    doc_type = None
    if args.type:
        doc_type = classify.normalise_type(args.type)
        if doc_type is None:
            raise UsageError(f"未知的档案类型：{args.type}；可用：{'、'.join(classify.ALL_TYPES)} / unknown type")
    if not args.file_id.isdigit():
        raise UsageError(f"隔离编号应为数字：{args.file_id} / quarantine id must be a number")
    doc_id = file_quarantined(home, cat, int(args.file_id), hid, doc_type, _user())
    _reindex(home, cat)
    print(f"已归档为档案 {doc_id} / filed as document {doc_id}")
    return 0


def _reindex(home: Any, cat: Any) -> None:
    from archiver.index import sync

    from ..progress import make_reporter

    sync(home, cat, make_reporter(True))


def cmd_search(args: argparse.Namespace) -> int:
    from archiver.index import open_index, sync
    from archiver.privacy import mask_id, scrub

    from ..progress import make_reporter
    from . import _open, _print_json, _user

    home, cat = _open(args)
    idx = open_index(home)
    if not idx.usable():
        print("检索索引缺失或已损坏，正在从目录重建…… / index missing or broken, rebuilding", file=sys.stderr)
    sync(home, cat, make_reporter(True))  # also applies updates an interrupted ingest left queued
    res = idx.search(cat, args.query, limit=args.limit, offset=args.offset)
    with cat.transaction():
        cat.audit(_user(), "search", scrub(args.query), f"{res.total} hits")
    if args.json:
        _print_json({"query": args.query, "total": res.total, "offset": args.offset, "results": [
            {"household_id": r.household.key, "head_name": r.household.head_name, "village": r.household.village,
             "township": r.household.township, "status": r.household.status, "score": round(r.score, 4),
             "matched_documents": r.matched_documents, "snippet": r.snippet} for r in res.results]})
        return 0
    for r in res.results:
        h = r.household
        print(f"{h.key}\t{h.township}{h.village}\t{h.head_name}\t{mask_id(h.head_id_number)}\t{h.status}\t"
              f"{r.score:.2f}\t{r.snippet}")
    print(f"共 {res.total} 户 / {res.total} households")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from archiver.index import rebuild

    from ..progress import make_reporter
    from . import _open

    home, cat = _open(args)
    reporter = make_reporter(False)
    with reporter:
        rebuild(home, cat, reporter)
    print(f"检索索引已重建：{cat.counts()['households']} 户 / index rebuilt")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from archiver.documents import handle
    from archiver.watch import Watcher

    from . import _open

    home, cat = _open(args)
    inbox = Path(args.inbox) if args.inbox else home.inbox

    def show(name: str, outcome: str, reason: str) -> None:
        if not args.quiet:
            label = {"archived": "归档", "duplicate": "重复", "quarantined": "隔离", "updated": "更新",
                     "ignored": "忽略"}.get(outcome, outcome)
            print(f"{label} {name} {reason}".rstrip(), flush=True)

    w = Watcher(home, cat, inbox, poll=args.poll, settle=args.settle, rescan_every=args.rescan,
                document_handler=handle, on_outcome=show)
    w.ingestor.reader = ocr_options.config(args).reader()
    signal.signal(signal.SIGINT, lambda *_: w.stop())
    signal.signal(signal.SIGTERM, lambda *_: w.stop())
    if not args.quiet:
        print(f"正在监视 {inbox}（Ctrl-C 结束）/ watching {inbox}", flush=True)
    w.run(until=(lambda: w.idle() or bool(w.blocked)) if args.once else None)  # --once: a full disk ends it too
    if w.blocked:
        print(f"有文件未能归档：{w.blocked}", file=sys.stderr, flush=True)
    _reindex(home, cat)
    print(f"已停止，本次处理 {w.processed} 个文件 / stopped after {w.processed} files", flush=True)
    return 0


def cmd_coversheet(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import coversheet

    from . import _open, _user

    home, cat = _open(args)
    households = key_or_village(cat, args.key, args.village)
    out = coversheet.render(households, load(home.root).office.name, Path(args.output), codekeys.secret(home.root))
    with cat.transaction():
        cat.audit(_user(), "export.coversheet", args.key or args.village, str(out))
    print(f"已生成 {len(households)} 张封面：{out} / {len(households)} cover sheets")
    return 0


def key_or_village(cat: Any, key: str | None, village: str | None, full: bool = False) -> list:
    """The households a command names by `KEY` or `--village` (exactly one of them): one household, or every
    household of the village (`乡镇/村`, or a name only one township has); an empty village is refused."""
    from ..errors import UsageError
    from . import household_or_fail

    if bool(key) == bool(village):
        raise UsageError("请给出户编号或 --village 之一 / give a household key or --village")
    if key:
        return [household_or_fail(cat, key)]
    households = cat.households(_village(cat, village or ""), full=full)
    if not households:
        raise UsageError(f"该村没有户：{village} / no households in village")
    return households


def _village(cat: Any, village: str) -> Scope:
    """--village as `乡镇/村`, or a village name that only one township has (else refused, matches listed)."""
    from archiver.catalog import areas

    from ..errors import UsageError

    try:
        return areas.resolve(cat, village, village_only=True)
    except areas.AreaProblem as exc:
        raise UsageError(str(exc)) from exc


def _missing_sub(name: str) -> int:
    from ..errors import UsageError

    raise UsageError(f"缺少子命令，请运行 dibao {name} --help / missing subcommand")


def _generated(cat: Any, what: str, target: str, out: Path) -> None:
    from . import _user

    with cat.transaction():
        cat.audit(_user(), f"export.{what}", target, str(out))


def _step_on_stderr(what: str, done: int, total: int) -> None:
    """A county's documents take a while: each step is said on stderr as it begins (stdout stays the result)."""
    print(f"[{done + 1}/{total}] {what}…", file=sys.stderr, flush=True)


def _signed(value: str | None):  # type: ignore[no-untyped-def]
    """--date: the 成文日期 staff give, else the day the document is generated."""
    import datetime as dt

    from ..errors import UsageError

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
    from generators import stats, summary
    from generators.documents import TemplateProblem

    from ..errors import UsageError
    from . import _open

    home, cat = _open(args)
    if not args.output.lower().endswith(".docx"):
        raise UsageError("工作总结输出应为 .docx 文件 / the summary is a .docx file")
    policy = load(home.root)
    signed = _signed(args.date)
    _warn_placeholders(policy, args.year)
    try:
        out = summary.render(cat, args.year, args.scope, policy, Path(args.output), home.templates,
                             progress=_step_on_stderr, signed=signed)
    except (stats.UnknownScope, TemplateProblem) as exc:
        raise UsageError(str(exc)) from exc
    _generated(cat, "summary", f"{args.year} {args.scope or '全部'}", out)
    print(f"已生成工作总结：{out} / summary written")
    return 0


def cmd_report_notice(args: argparse.Namespace) -> int:
    import datetime as dt

    from archiver.policy import load
    from generators import notice
    from generators.documents import TemplateProblem

    from ..errors import UsageError
    from . import _open, household_or_fail

    home, cat = _open(args)
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
    days = args.days or policy.notice.days
    if days < 1:
        raise UsageError("公示天数至少为1天 / --days must be at least 1")
    try:
        keys = {household_or_fail(cat, k).key for k in args.household} if args.household else None
        out = notice.render(cat, args.village, args.kind, start, days, policy, Path(args.output), home.templates,
                            until=until, township=args.township, keys=keys)
    except notice.NothingToNotice as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (notice.NoticeProblem, TemplateProblem) as exc:
        raise UsageError(str(exc)) from exc
    target = " ".join(x for x in (args.township, args.village, args.kind) if x)
    _generated(cat, "notice", target, out)
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
    from generators import inspection, stats

    from ..errors import UsageError
    from . import _open, _print_json

    home, cat = _open(args)
    try:
        findings = inspection.run(cat, args.scope, args.year, load(home.root))
    except stats.UnknownScope as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        _print_json({"scope": args.scope or "全部", "year": args.year, "findings": [f.as_json() for f in findings]})
        return 0
    by_code: dict[str, list] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    for code, items in by_code.items():
        print(f"【{inspection.TITLES.get(code, code)}】{len(items)} 处 / {code}")
        for f in items[:50]:
            print(f"  {', '.join(f.households)}  {f.message}")
        if len(items) > 50:
            print(f"  ……另有 {len(items) - 50} 处")
    print(f"共发现 {len(findings)} 处问题 / {len(findings)} findings")
    return 0


def cmd_dossier(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import dossier

    from ..progress import make_reporter
    from . import _open

    home, cat = _open(args)
    policy = load(home.root)
    households = key_or_village(cat, args.key, args.village, full=True)
    if args.key:
        h = households[0]
        out = dossier.build(home, h, policy, Path(args.output))
        _generated(cat, "dossier", h.key, out)
        print(f"已生成档案：{out}（{len(h.documents)} 份材料）/ dossier written")
        return 0
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    reporter = make_reporter(False)
    rows = []
    with reporter:
        reporter.start(len(households), "生成档案 / dossiers")
        for h in households:
            out = dossier.build(home, h, policy, inside(folder, f"{h.key}_{h.head_name}.pdf"))
            rows.append((h, out))
            reporter.advance()
    dossier.write_index(rows, policy, folder, args.village, home.templates)
    _generated(cat, "dossier", args.village, folder)
    print(f"已生成 {len(rows)} 户档案及索引：{folder} / {len(rows)} dossiers")
    return 0


def cmd_reviews_due(args: argparse.Namespace) -> int:
    import datetime as dt
    import re

    from archiver.policy import load
    from generators import reviews, stats

    from ..errors import UsageError
    from . import _open

    home, cat = _open(args)
    month = args.month or dt.date.today().strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise UsageError(f"月份格式应为 YYYY-MM：{month} / bad --month")
    try:
        policy = load(home.root)
        rows = reviews.due(cat, month, args.scope, policy, include_done=True)
    except stats.UnknownScope as exc:
        raise UsageError(str(exc)) from exc
    from generators.gongwen import office_name

    out = reviews.write_xlsx(rows, month, args.scope, Path(args.output), office_name(policy))
    _generated(cat, "reviews", f"{month} {args.scope or '全部'}", out)
    overdue = sum(r["overdue"] and not r["done"] for r in rows)
    done = sum(r["done"] for r in rows)
    print(f"复核计划：{len(rows)} 户（其中逾期 {overdue} 户，已复核 {done} 户）→ {out} / review plan written")
    return 0


def cmd_report_inspection(args: argparse.Namespace) -> int:
    import datetime as dt

    from archiver.policy import load
    from generators import inspection, stats
    from generators.documents import TemplateProblem

    from ..errors import UsageError
    from . import _open

    home, cat = _open(args)
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
    try:
        out, ctx = inspection.render(cat, args.scope, args.year, policy, Path(args.output), home.templates,
                                     checked, _step_on_stderr, signed)
    except (stats.UnknownScope, TemplateProblem) as exc:
        raise UsageError(str(exc)) from exc
    _generated(cat, "inspection", args.scope or "全部", out)
    print(f"已生成检查通报：{out}（检查 {ctx['checked']} 户，完整率 {ctx['rate']}）/ inspection report written")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..errors import UsageError
    from ..web.app import create_app
    from . import _open

    home, cat = _open(args)
    if bool(args.certfile) != bool(args.keyfile):
        raise UsageError("--certfile 与 --keyfile 须同时给出 / give both --certfile and --keyfile")
    local = args.host in ("127.0.0.1", "localhost", "::1")
    if not local and not args.certfile:
        raise UsageError("在局域网上提供服务须使用HTTPS（--certfile/--keyfile）：个人信息不得明文传输 / "
                         "serving beyond this computer needs TLS")
    scheme = "https" if args.certfile else "http"
    print(f"网页界面：{scheme}://{args.host}:{args.port}/（Ctrl-C 结束）/ serving", flush=True)
    sys.stderr = _Scrubbed(sys.stderr)  # tracebacks and server logs of months of unattended running: no full IDs
    uvicorn.run(create_app(home, watch=not args.no_watch, tls=bool(args.certfile), ocr=ocr_options.config(args)),
                host=args.host, port=args.port, log_level="warning",
                ssl_certfile=args.certfile, ssl_keyfile=args.keyfile)
    return 0


class _Scrubbed:
    """A text stream that masks ID numbers and accounts in everything written to it (see privacy.scrub)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from archiver.privacy import scrub

        return int(self._stream.write(scrub(text)) or 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _password(given: str | None) -> str:
    import getpass
    import os

    from ..errors import UsageError

    found = given or os.environ.get("DIBAO_PASSWORD")
    if found:
        return found
    if not sys.stdin.isatty():  # a script or a pipe: getpass would wait on nothing or read the wrong line
        raise UsageError("没有终端可以输入密码：请加 --password 密码，或设置环境变量 DIBAO_PASSWORD / "
                         "no terminal to type a password: give --password or set DIBAO_PASSWORD")
    return getpass.getpass("密码 / password: ")


def cmd_user_add(args: argparse.Namespace) -> int:
    from .. import users
    from . import _open, _user

    home, cat = _open(args)
    users.add(cat, args.name, _password(args.password), args.role, args.area, _user())
    print(f"已添加用户 {args.name}（{users.ROLE_NAMES.get(args.role, args.role)} {args.area or '全县'}）/ user added")
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from .. import users
    from . import _open, _user

    home, cat = _open(args)
    users.set_password(cat, args.name, _password(args.password), _user())
    print(f"已重置 {args.name} 的密码 / password reset")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from . import _open, _print_json

    home, cat = _open(args)
    rows = cat.audit_rows(args.user, args.since)
    if args.json:
        _print_json({"entries": [dict(r) for r in rows]})
        return 0
    for r in rows:
        print(f"{r['at']}\t{r['user']}\t{r['action']}\t{r['target'] or ''}\t{r['detail'] or ''}\t{r['remote'] or ''}")
    print(f"共 {len(rows)} 条 / {len(rows)} entries")
    return 0
