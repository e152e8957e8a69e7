"""The archive itself: `dibao init`, `ingest` (and `ingest --dry-run`), `watch` and `check`."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from archiver import check as checks
from archiver import database
from archiver.catalog import LATEST, Catalog
from archiver.home import resolve
from archiver.privacy import scrub

from ..errors import UsageError
from ..progress import make_reporter
from . import imports, ocr_options
from .context import Subcommands, command, open_home, print_json


def build(sub: Subcommands) -> None:
    sp = command(sub, "init", cmd_init, "创建档案库（可重复运行）/ create the home")
    sp.add_argument("--database", metavar="URL",
                    help="目录放在 PostgreSQL 数据库（postgresql://用户@主机:端口/库名，地址中不写密码）；"
                         "默认放在档案库内的 SQLite 文件 / put the catalog on PostgreSQL (no password in the URL)")
    sp.add_argument("--password-file", metavar="FILE",
                    help="数据库密码所在文件（也可用环境变量 PGPASSWORD 或 ~/.pgpass）/ file holding the database password")
    sp = command(sub, "ingest", cmd_ingest, "导入文件或文件夹：花名册、变动名册、发放表、扫描件 / ingest files and folders")
    sp.add_argument("paths", nargs="+", help="文件或文件夹 / files or folders")
    sp.add_argument("--quiet", action="store_true", help="不显示进度 / no progress bar")
    sp.add_argument("--json", action="store_true", help="以JSON输出结果 / JSON report")
    sp.add_argument("--move", action="store_true", help="处理后删除原文件（收件箱用）/ remove originals once filed")
    ocr_options.add_arguments(sp)
    sp.add_argument("--dry-run", action="store_true",
                    help="试运行：只读表格、显示列对应与行分类，不写入任何内容 / read and map the sheets, write nothing")

    sp = command(sub, "watch", cmd_watch, "监视收件箱，文件写完后自动归档（Ctrl-C 结束）/ watch the inbox")
    sp.add_argument("--inbox", help="收件箱目录（默认 HOME/inbox）/ inbox folder")
    sp.add_argument("--poll", action="store_true", help="轮询模式，用于网络共享盘(SMB/NFS) / polling for network shares")
    sp.add_argument("--settle", type=float, default=3.0, help="文件大小和时间稳定多少秒后才处理 / seconds a file must stay unchanged")
    sp.add_argument("--rescan", type=float, default=60.0, help="每隔多少秒全量扫描一次 / full rescan interval in seconds")
    sp.add_argument("--once", action="store_true", help="处理完现有文件后退出 / process what is there, then exit")
    sp.add_argument("--quiet", action="store_true", help="不输出每个文件的结果 / no per-file output")
    ocr_options.add_arguments(sp)

    sp = command(sub, "check", cmd_check, "检查目录、磁盘文件与索引是否一致 / verify catalog, files and index")
    sp.add_argument("--repair", action="store_true", help="修复可以重建的部分 / rebuild what can be rebuilt")
    sp.add_argument("--json", action="store_true", help="以 JSON 输出（含本服务器检索索引的滞后条数）/ JSON output")


def cmd_init(args: argparse.Namespace) -> int:
    """`--database` names the server in HOME/database.toml before the catalog is created there."""
    home = resolve(args.home)
    if args.database or args.password_file:
        database.name_server(home, args.database, args.password_file)
    new = home.create()
    Catalog.of(home).close()
    print(f"{'已创建' if new else '已存在'}档案库：{home.root} / home {'created' if new else 'exists'}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """`--dry-run` reads the sheets only (the import review's, imports.py); otherwise everything is filed."""
    from archiver.index_hook import follow
    from archiver.pipeline import Ingestor

    if args.dry_run:
        return imports.cmd_dry_run(args)
    home, cat = open_home(args)
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.exists():
            raise UsageError(f"路径不存在：{p} / no such file or folder")
    reporter = make_reporter(args.quiet)
    follow(home, cat, reporter)  # the batch's one drain into the index, shown as a step of the ingest
    ingestor = Ingestor(home, cat, reporter, remove_sources=args.move)
    ingestor.reader = ocr_options.config(args, home).reader()
    with reporter:
        report = ingestor.run(paths)
    counts = report.counts()
    if report.stopped:  # the home could not be written: say so plainly, and which files are still waiting
        print(f"导入已停止：{report.stopped}", file=sys.stderr)
        for name in report.not_done[:50]:
            print(f"  未处理（留在原处）{name}", file=sys.stderr)
    if args.json:
        print_json({"batch": report.batch_id, **counts, "refiled": [scrub(n) for n, _ in report.refiled],
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


def cmd_watch(args: argparse.Namespace) -> int:
    from archiver.watch import Watcher

    home, cat = open_home(args)
    inbox = Path(args.inbox) if args.inbox else home.inbox

    def show(name: str, outcome: str, reason: str) -> None:
        if not args.quiet:
            label = {"archived": "归档", "duplicate": "重复", "quarantined": "隔离", "updated": "更新",
                     "ignored": "忽略"}.get(outcome, outcome)
            print(f"{label} {name} {reason}".rstrip(), flush=True)

    w = Watcher(home, cat, inbox, poll=args.poll, settle=args.settle, rescan_every=args.rescan, on_outcome=show)
    w.ingestor.reader = ocr_options.config(args, home).reader()
    signal.signal(signal.SIGINT, lambda *_: w.stop())
    signal.signal(signal.SIGTERM, lambda *_: w.stop())
    if not args.quiet:
        print(f"正在监视 {inbox}（Ctrl-C 结束）/ watching {inbox}", flush=True)
    w.run(until=(lambda: w.idle() or bool(w.blocked)) if args.once else None)  # --once: a full disk ends it too
    if w.blocked:
        print(f"有文件未能归档：{w.blocked}", file=sys.stderr, flush=True)
    print(f"已停止，本次处理 {w.processed} 个文件 / stopped after {w.processed} files", flush=True)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from archiver.index import drift, lag_of, rebuild

    home, cat = open_home(args)
    findings = checks.run(home, cat) + drift(home, cat)
    if args.repair:
        for line in checks.repair(home, findings):
            print(line)
        if any(f.code.startswith("index") for f in findings):
            rebuild(home, cat, make_reporter(True))
            print("已重建检索索引 / search index rebuilt")
        findings = checks.run(home, cat) + drift(home, cat)
    errors = [f for f in findings if f.severity == checks.ERROR]
    if args.json:
        print_json({"errors": len(errors), "index_lag": lag_of(home, cat), "schema_version": cat.schema_version(),
                    "findings": [{"severity": f.severity, "code": f.code, "message": f.message, "path": f.path}
                                 for f in findings]})
        return 1 if errors else 0
    for f in findings:
        print(f"{'错误' if f.severity == checks.ERROR else '提示'} [{f.code}] {f.message} {f.path}".rstrip())
    counts = cat.counts()
    print(f"数据结构版本 schema v{cat.schema_version()}（本程序 v{LATEST}）/ catalog schema version")
    print(f"检查完成：{len(errors)} 个错误，{len(findings) - len(errors)} 个提示；户 {counts['households']}，"
          f"文件 {counts['files']}，档案 {counts['documents']} / check: {len(errors)} errors")
    return 1 if errors else 0
