"""The `dibao` command line: a thin layer over archiver/ and generators/ (see CONTRACT.md).

Exit codes: 0 ok; 1 ran but found problems; 2 usage error or unusable input.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from archiver import check as checks
from archiver.catalog import LATEST, Catalog, Scope
from archiver.catalog.models import Household
from archiver.errors import UserError
from archiver.filing import STORAGE_ERRNOS
from archiver.home import Home, resolve
from archiver.privacy import mask_id, mask_phone, scrub

from ..errors import UsageError
from ..progress import make_reporter
from . import ocr_options


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _open(args: argparse.Namespace) -> tuple[Home, Catalog]:
    home = resolve(args.home)
    home.require()
    _setup_logging(home)
    return home, Catalog(home.catalog_path)


class _ScrubFilter(logging.Filter):
    """Logs never contain a full ID number or account (个人信息保护法)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        if record.exc_info:  # a traceback quotes the exception's message: masked like the rest
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def _setup_logging(home: Home) -> None:
    root = logging.getLogger("dibao")
    if root.handlers:
        return
    home.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(home.logs / "dibao.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(_ScrubFilter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


# ---------------------------------------------------------------------- archive
def cmd_init(args: argparse.Namespace) -> int:
    home = resolve(args.home)
    new = home.create()
    Catalog(home.catalog_path).close()
    print(f"{'已创建' if new else '已存在'}档案库：{home.root} / home {'created' if new else 'exists'}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from archiver.documents import handle
    from archiver.index import sync
    from archiver.pipeline import Ingestor

    home, cat = _open(args)
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.exists():
            raise UsageError(f"路径不存在：{p} / no such file or folder")
    reporter = make_reporter(args.quiet)
    ingestor = Ingestor(home, cat, reporter, document_handler=handle, remove_sources=args.move)
    ingestor.reader = ocr_options.config(args).reader()
    with reporter:
        report = ingestor.run(paths)
    try:
        sync(home, cat, make_reporter(args.quiet))  # after the catalog commits: the index is never ahead
    except OSError as exc:  # the changes stay queued in the catalog; the next sync catches up
        if exc.errno not in STORAGE_ERRNOS:
            raise
        report.stopped = report.stopped or f"检索索引未能更新（{exc.strerror}），空间或权限恢复后会自动补上 / index not updated"
    counts = report.counts()
    if report.stopped:  # the home could not be written: say so plainly, and which files are still waiting
        print(f"导入已停止：{report.stopped}", file=sys.stderr)
        for name in report.not_done[:50]:
            print(f"  未处理（留在原处）{name}", file=sys.stderr)
    if args.json:
        _print_json({"batch": report.batch_id, **counts, "refiled": [scrub(n) for n, _ in report.refiled],
                     "files": [o.__dict__ for o in report.outcomes], "row_errors": report.row_errors,
                     "stopped": report.stopped, "not_done": report.not_done,
                     "ignored": [{"source_name": n, "reason": why} for n, why in report.ignored]})
        return 1 if report.stopped else 0
    if not args.quiet:
        for o in report.outcomes:
            if o.outcome == "quarantined":
                print(f"  隔离 {o.source_name}：{o.reason}")
            elif o.outcome == "duplicate":
                print(f"  重复 {o.source_name}：{o.reason}")
            elif o.outcome == "skipped":
                print(f"  跳过 {o.source_name}：{o.reason}")
            elif o.outcome == "held":
                print(f"  待确认 {o.source_name}：{o.reason}（确认：dibao import confirm {o.file_id}）")
        for name, key in report.refiled:
            print(f"  补归档 {scrub(name)} → {key}（此前在隔离区）/ filed from quarantine")
        for name, why in report.ignored:
            print(f"  忽略 {name}：{why}")
        for o in report.outcomes:
            if o.outcome == "archived" and o.detail.get("context"):
                print(f"  归档 {o.source_name}：{_context_line(o.detail)}")
        for e in report.row_errors[:200]:
            print(f"  拒收行 {e['source_name']} [{e['sheet']}] 第{e['row']}行 「{e['col']}」：{e['reason']}")
        if len(report.row_errors) > 200:
            print(f"  ……另有 {len(report.row_errors) - 200} 行被拒收，见 dibao batch report / more rejected rows")
    print(f"归档 archived {counts['archived']} · 更新 updated {counts['updated']} · 重复 duplicate {counts['duplicate']}"
          f" · 隔离 quarantined {counts['quarantined']} · 跳过 skipped {counts['skipped']} · 待确认 held {counts['held']}"
          f" · 拒收行 rejected rows {len(report.row_errors)}")
    return 1 if report.stopped else 0


def _context_line(detail: dict) -> str:
    """'乡镇 东山镇（来自标题）· 类别 城市（来自文件名）· 期间 2025-12（来自标题）' for one imported sheet."""
    parts = []
    for key, label in (("township", "乡镇"), ("type", "类别"), ("period", "期间")):
        c = detail["context"].get(key, {})
        value = (c.get("value") or "")[:7] if key == "period" else c.get("value")
        where = c.get("source_label") or "无"
        if not c.get("source"):
            parts.append(f"{label}未注明")
        else:
            parts.append(f"{label}{value}（来自{where}）" if value else f"{label}来自{where}")
    notes = [n for s in detail.get("sheets", []) for n in s.get("notes", [])]
    warns = detail.get("warnings", [])
    return " · ".join(parts) + ("；" + "；".join(notes) if notes else "") + (
        f"；{len(warns)}行已导入但需核对（如身份证号以000结尾）" if warns else "")


def cmd_check(args: argparse.Namespace) -> int:
    from archiver.index import drift, rebuild

    home, cat = _open(args)
    findings = checks.run(home, cat) + drift(home, cat)
    if args.repair:
        for line in checks.repair(home, findings):
            print(line)
        if any(f.code.startswith("index") for f in findings):
            rebuild(home, cat, make_reporter(True))
            print("已重建检索索引 / search index rebuilt")
        findings = checks.run(home, cat) + drift(home, cat)
    errors = [f for f in findings if f.severity == checks.ERROR]
    for f in findings:
        print(f"{'错误' if f.severity == checks.ERROR else '提示'} [{f.code}] {f.message} {f.path}".rstrip())
    counts = cat.counts()
    print(f"数据结构版本 schema v{cat.schema_version()}（本程序 v{LATEST}）/ catalog schema version")
    print(f"检查完成：{len(errors)} 个错误，{len(findings) - len(errors)} 个提示；户 {counts['households']}，"
          f"文件 {counts['files']}，档案 {counts['documents']} / check: {len(errors)} errors")
    return 1 if errors else 0


# ---------------------------------------------------------------------- records
def _household_json(h: Household, full: bool) -> dict:
    head = {"name": h.head_name, "id_number": h.head_id_number}
    base = {"household_id": h.key, "head": head, "township": h.township, "village": h.village,
            "type": h.area_type or None, "category": h.category, "status": h.status,
            "persons": h.persons if h.persons is not None else len(h.members_on("9999-12-31")),
            "monthly_amount": h.monthly_amount or 0.0}
    if not full:
        return base
    return {**base, "address": h.address, "approved_on": h.approved_on, "bank_account": h.bank_account, "note": h.note,
            "members": [{"name": m.name, "id_number": m.id_number or None, "id_original": m.id_original,
                         "no_id_reason": m.no_id_reason, "relation": m.relation, "sex": m.sex,
                         "birth_date": m.birth_date, "disability": m.disability, "health": m.health,
                         "identity": m.identity, "cadre_relative": m.cadre_relative,
                         "added_on": m.added_on, "removed_on": m.removed_on, "covered": m.covered,
                         "covered_reason": m.covered_reason or None} for m in h.members],
            "documents": [{"document_id": str(d.document_id), "type": d.type, "date": d.date,
                           "source_name": d.source_name, "sha256": d.sha256, "path": d.path,
                           "pages": d.page_count, "note": d.note} for d in h.documents],
            "events": [{"date": e.date, "kind": e.kind, "amount": e.new_amount if e.new_amount is not None else 0.0,
                        "old_amount": e.old_amount, "persons": e.new_persons, "old_persons": e.old_persons,
                        "reason": e.reason, "source": e.source, "source_row": e.source_row,
                        "effective_month": e.effective_month} for e in h.events],
            "payments": [{"period": f"{p.period_start}~{p.period_end}", "amount": p.amount} for p in h.payments]}


def cmd_household_list(args: argparse.Namespace) -> int:
    home, cat = _open(args)
    township, village = args.township, args.village
    if village and "/" in village:  # a village by its whole path, 乡镇/村
        township, village = village.split("/", 1)
    hs = cat.households(Scope(township=township, village=village), status=args.status)
    if args.json:
        _print_json({"households": [_household_json(h, False) for h in hs]})
        return 0
    for h in hs:
        print(f"{h.key}\t{h.township}\t{h.village}\t{h.head_name}\t{mask_id(h.head_id_number)}\t{h.area_type or '-'}"
              f"\t{h.category or '-'}\t{h.status}\t{h.persons or 0}人\t{h.monthly_amount or 0:.2f}元")
    print(f"共 {len(hs)} 户 / {len(hs)} households")
    return 0


def household_or_fail(cat: Catalog, key: str) -> Household:
    """The household a 户编号 or a member's ID number names, or a usage error (ID masked)."""
    hid = cat.resolve_key(key)
    h = cat.household(hid) if hid is not None else None
    if h is None:
        raise UsageError(f"找不到户：{mask_id(key) if len(key) == 18 else key}（户编号或成员身份证号）/ no such household")
    return h


def cmd_household_show(args: argparse.Namespace) -> int:
    home, cat = _open(args)
    h = household_or_fail(cat, args.key)
    with cat.transaction():
        cat.audit(_user(), "household.view", h.key, "cli")
    data = _household_json(h, True)
    data["basis"] = _basis_json(home, cat, h, getattr(args, "on", None))
    data["import_conflicts"] = [{"field": c["field"], "manual": c["manual"], "imported": c["imported"], "at": c["at"]}
                                for c in cat.import_conflicts(h.id)]
    from archiver.policy import load
    from generators.cases import household_cases

    data["cases"] = [c.as_json() for c in household_cases(cat, h, load(home.root))]
    if args.json:
        _print_json(data)
        return 0
    print(f"户编号 {h.key}  {h.township} {h.village}  {h.area_type or '-'}  分类 {h.category or '-'}  {h.status}"
          f"  {data['persons'] or '-'}人  {f'{h.monthly_amount:.2f}' if h.monthly_amount is not None else '-'}元/月")
    print(f"户主 {h.head_name} {mask_id(h.head_id_number)}  住址 {h.address}")
    b = data["basis"]
    if h.status == "申请中":
        print("申请中：尚未审批，保障金额未核定")
    else:
        print(f"核算依据（{b['day']}）：{b['mode']}  标准 {b['standard'] or '-'}元  人均收入 "
              f"{b['income_per_capita'] if b['income_per_capita'] is not None else '-'}元  保障人数 {b['covered_persons']}"
              f"  应发 {b['due_monthly']:.2f}元/月")
    if h.note:
        print(f"备注 {h.note}")
    for c in data["import_conflicts"]:
        label = {"category": "分类", "address": "住址", "phone": "联系电话", "note": "备注"}.get(c["field"], c["field"])
        manual, imported = (mask_phone(c["manual"]), mask_phone(c["imported"])) if c["field"] == "phone" else (
            c["manual"], c["imported"])
        print(f"【待核实】后来导入的名册与人工更正不一致：{label} 更正为「{manual}」，名册为「{imported}」")
    print("成员 / members:")
    for m in h.members:
        gone = f"（{m.removed_on} 减少）" if m.removed_on else ""
        out = "" if m.covered else f" 未纳入保障（{m.covered_reason or '原因未注明'}）"
        print(f"  {m.name}\t{m.relation}\t{mask_id(m.id_number)}\t{m.disability or ''}{' 近亲属备案' if m.cadre_relative else ''}{gone}{out}")
    print("档案 / documents:")
    for d in h.documents:
        print(f"  [{d.document_id}] {d.type}\t{d.date or '日期不详'}\t{scrub(d.source_name)}\t{d.path}")
    print("变动 / events:")
    for e in h.events:
        amt = f"{e.old_amount or 0:.0f}→{e.new_amount or 0:.0f}元" if e.new_amount is not None else ""
        print(f"  {e.date}\t{e.kind}\t{amt}\t{e.reason}")
    if data["cases"]:
        print("办理过程 / cases:")
    for c in data["cases"]:
        print(f"  {c['kind']}（{c['outcome']}）")
        for s in c["steps"]:
            when = (s["date"] or "缺") + (f"至{s['end']}" if s["end"] else "")
            due = f"  时限 {s['due']}{' 逾期' if s['late'] else ''}" if s["due"] else ""
            print(f"    {s['step']}\t{when}\t{'档案' + s['document_id'] if s['document_id'] else s['source']}{due}")
    return 0


def _basis_json(home: Home, cat: Catalog, h: Household, on: str | None) -> dict:
    """The amount's basis on `--on` (default today): standard, per-capita income, covered persons, due."""
    import datetime as dt

    from archiver.catalog import registers
    from archiver.catalog.models import today
    from archiver.policy import load
    from generators import basis

    day = on or today()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise UsageError(f"--on 日期格式应为 YYYY-MM-DD：{day} / --on must be YYYY-MM-DD") from None
    dead = {d.id_number: d.died_on for d in registers.deaths(cat).values()}
    return basis.compute(h, day, load(home.root), dead=dead).as_json()


def cmd_stats(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import stats

    home, cat = _open(args)
    try:
        data = stats.compute(cat, args.year, args.scope, load(home.root))
    except stats.UnknownScope as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        _print_json(data)
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


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    """Structured candidates and reviewed items: the quarantine review lives in corrections.py."""
    from .corrections import cmd_quarantine_list as listing

    return listing(args)


def _user() -> str:
    import getpass

    try:
        return "cli:" + getpass.getuser()
    except Exception:
        return "cli"


# ---------------------------------------------------------------------- parser
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dibao", description="低保档案：低保档案归档、检索与文书生成 / dibao records archive")
    p.add_argument("--home", help="档案库目录（默认 $DIBAO_HOME 或 ./archive）/ archive home")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str,
            parent: argparse._SubParsersAction | None = None) -> argparse.ArgumentParser:
        sp = (parent or sub).add_parser(name, help=help_text, description=help_text)
        sp.set_defaults(func=func)
        return sp

    add("init", cmd_init, "创建档案库（可重复运行）/ create the home")
    sp = add("ingest", cmd_ingest, "导入文件或文件夹：花名册、变动名册、发放表、扫描件 / ingest files and folders")
    sp.add_argument("paths", nargs="+", help="文件或文件夹 / files or folders")
    sp.add_argument("--quiet", action="store_true", help="不显示进度 / no progress bar")
    sp.add_argument("--json", action="store_true", help="以JSON输出结果 / JSON report")
    sp.add_argument("--move", action="store_true", help="处理后删除原文件（收件箱用）/ remove originals once filed")
    ocr_options.add_arguments(sp)
    sp = add("check", cmd_check, "检查目录、磁盘文件与索引是否一致 / verify catalog, files and index")
    sp.add_argument("--repair", action="store_true", help="修复可以重建的部分 / rebuild what can be rebuilt")

    hh = add("household", lambda a: _help(p, "household"), "户档案 / households")
    hsub = hh.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("list", cmd_household_list, "列出户 / list households", hsub)
    sp.add_argument("--township", help="乡镇 / township")
    sp.add_argument("--village", help="村(社区) / village")
    sp.add_argument("--status", help="状态，如 在保、停保 / status")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = add("show", cmd_household_show, "查看一户：成员、档案、变动 / show one household", hsub)
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp.add_argument("--on", help="计算保障金依据的日期 YYYY-MM-DD，默认今天 / day of the amount's basis (default today)")

    sp = add("stats", cmd_stats, "年度统计数字（工作总结所用）/ figures for the annual summary")
    sp.add_argument("--year", type=int, required=True, help="年份 / calendar year")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    qq = add("quarantine", lambda a: _help(p, "quarantine"), "隔离区：无法归档的文件 / quarantine")
    qsub = qq.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("list", cmd_quarantine_list, "列出隔离文件及原因 / list quarantined files", qsub)
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    # every other module of this package that defines register() adds its own command group (one module per
    # group, so features never edit each other's files); commands.py first, the rest in name order
    for mod in _command_modules():
        mod.register(add, sub, qsub, p)
    return p


def _command_modules() -> list:
    import importlib
    import pkgutil

    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in ("commands", "__main__"))
    mods = [importlib.import_module(f"{__name__}.{n}") for n in ["commands", *names]]
    return [m for m in mods if callable(getattr(m, "register", None))]


def _help(p: argparse.ArgumentParser, name: str) -> int:
    raise UsageError(f"缺少子命令，请运行 dibao {name} --help / missing subcommand")


def main(argv: list[str] | None = None) -> int:
    from .argdates import iso_dates

    parser = build_parser()
    args = parser.parse_args(iso_dates(sys.argv[1:] if argv is None else list(argv)))
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:  # the one boundary: the user's mistake, said as it is (HomeMissing, UsageError, …)
        print(scrub(str(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.errno not in STORAGE_ERRNOS:
            return _internal_error(argv)
        what = "磁盘空间已满" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "档案库不可写"
        print(f"{what}，操作未完成；请清理空间或检查权限后重试 / {exc.strerror}", file=sys.stderr)
        return 1
    except Exception:  # anything else is a bug, never the user's mistake: traceback to the log
        return _internal_error(argv)


def _internal_error(argv: list[str] | None) -> int:
    """Anything but a UserError is a bug, never the user's mistake: traceback to the log (the exception in flight)."""
    log = logging.getLogger("dibao")
    if log.handlers:
        log.exception("internal error in dibao %s", " ".join(scrub(a) for a in (argv or sys.argv[1:])))
        where = "详见日志 logs/dibao.log / see logs/dibao.log"
    else:
        import traceback

        traceback.print_exc()
        where = ""
    print(f"程序内部错误（不是您的操作问题），请将日志交给维护人员 / internal error {where}".rstrip(), file=sys.stderr)
    return 1

