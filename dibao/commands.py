"""Commands beyond the foundation (scans, search, documents, web), registered on the parser."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from archiver.catalog import Scope


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

    sp = add("search", cmd_search, "全文检索：姓名、拼音、身份证后几位、村名、档案内容 / full-text search")
    sp.add_argument("query", help='检索词，如：张秀英 村:红旗村 类型:收入证明 "家庭收入" 1234 / query')
    sp.add_argument("--limit", type=int, default=20, help="最多返回几户 / at most N households")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    add("reindex", cmd_reindex, "从目录重建检索索引 / rebuild the search index from the catalog")

    sp = add("coversheet", cmd_coversheet, "打印带二维码的扫描封面 / print QR cover sheets for batch scanning")
    sp.add_argument("key", nargs="?", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--village", help="为整个村每户各打印一张 / one sheet per household of a village")
    sp.add_argument("-o", "--output", required=True, help="输出PDF文件 / output PDF")


def cmd_quarantine_assign(args: argparse.Namespace) -> int:
    from archiver import classify
    from archiver.documents import file_quarantined

    from .cli import UsageError, _open, _user

    home, cat = _open(args)
    hid = cat.resolve_key(args.key)
    if hid is None:
        raise UsageError(f"找不到户：{args.key} / no such household")
    doc_type = None
    if args.type:
        doc_type = classify.normalise_type(args.type)
        if doc_type is None:
            raise UsageError(f"未知的档案类型：{args.type}；可用：{'、'.join(classify.ALL_TYPES)} / unknown type")
    if not args.file_id.isdigit():
        raise UsageError(f"隔离编号应为数字：{args.file_id} / quarantine id must be a number")
    try:
        doc_id = file_quarantined(home, cat, int(args.file_id), hid, doc_type, _user())
    except (LookupError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    _reindex(home, cat)
    print(f"已归档为档案 {doc_id} / filed as document {doc_id}")
    return 0


def _reindex(home: Any, cat: Any) -> None:
    try:
        from archiver.index import sync
    except ImportError:
        return
    from .progress import make_reporter

    sync(home, cat, make_reporter(True))


def cmd_search(args: argparse.Namespace) -> int:
    from archiver.index import SearchIndex, sync
    from archiver.privacy import mask_id

    from .cli import _open, _print_json, _user
    from .progress import make_reporter

    home, cat = _open(args)
    idx = SearchIndex(home)
    if not idx.usable():
        print("检索索引缺失或已损坏，正在从目录重建…… / index missing or broken, rebuilding", file=sys.stderr)
    sync(home, cat, make_reporter(True))  # also applies updates an interrupted ingest left queued
    res = idx.search(cat, args.query, limit=args.limit)
    with cat.transaction():
        cat.audit(_user(), "search", args.query, f"{res.total} hits")
    if args.json:
        _print_json({"query": args.query, "total": res.total, "results": [
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

    from .cli import _open
    from .progress import make_reporter

    home, cat = _open(args)
    reporter = make_reporter(False)
    with reporter:
        rebuild(home, cat, reporter)
    print(f"检索索引已重建：{cat.counts()['households']} 户 / index rebuilt")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from archiver.documents import handle
    from archiver.watch import Watcher

    from .cli import _open

    home, cat = _open(args)
    inbox = Path(args.inbox) if args.inbox else home.inbox

    def show(name: str, outcome: str, reason: str) -> None:
        if not args.quiet:
            label = {"archived": "归档", "duplicate": "重复", "quarantined": "隔离", "updated": "更新"}.get(outcome, outcome)
            print(f"{label} {name} {reason}".rstrip(), flush=True)

    w = Watcher(home, cat, inbox, poll=args.poll, settle=args.settle, rescan_every=args.rescan,
                document_handler=handle, on_outcome=show)
    signal.signal(signal.SIGINT, lambda *_: w.stop())
    signal.signal(signal.SIGTERM, lambda *_: w.stop())
    if not args.quiet:
        print(f"正在监视 {inbox}（Ctrl-C 结束）/ watching {inbox}", flush=True)
    w.run(until=(lambda: w.idle()) if args.once else None)
    _reindex(home, cat)
    print(f"已停止，本次处理 {w.processed} 个文件 / stopped after {w.processed} files", flush=True)
    return 0


def cmd_coversheet(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import coversheet

    from .cli import UsageError, _open, _user

    home, cat = _open(args)
    if bool(args.key) == bool(args.village):
        raise UsageError("请给出户编号或 --village 之一 / give a household key or --village")
    if args.key:
        hid = cat.resolve_key(args.key)
        h = cat.household(hid) if hid is not None else None
        if h is None:
            raise UsageError(f"找不到户：{args.key} / no such household")
        households = [h]
    else:
        households = cat.households(Scope(village=args.village))
        if not households:
            raise UsageError(f"该村没有户：{args.village} / no households in village")
    out = coversheet.render(households, load(home.root).office_name, Path(args.output))
    with cat.transaction():
        cat.audit(_user(), "export.coversheet", args.key or args.village, str(out))
    print(f"已生成 {len(households)} 张封面：{out} / {len(households)} cover sheets")
    return 0
