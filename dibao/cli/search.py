"""`dibao search` (the full-text index: names, pinyin, ID tails, villages, document text) and `dibao reindex`
(the index rebuilt from the catalog)."""

from __future__ import annotations

import argparse
import sys

from archiver.privacy import mask_id, scrub

from ..progress import make_reporter
from .context import Subcommands, cli_user, command, open_home, print_json


def build(sub: Subcommands) -> None:
    sp = command(sub, "search", cmd_search, "全文检索：姓名、拼音、身份证后几位、村名、档案内容 / full-text search")
    sp.add_argument("query", help='检索词，如：张秀英 村:红旗村 类型:收入证明 "家庭收入" 1234 / query')
    sp.add_argument("--limit", type=int, default=20, help="最多返回几户 / at most N households")
    sp.add_argument("--offset", type=int, default=0, help="跳过前 N 户（翻页）/ skip the first N households")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    command(sub, "reindex", cmd_reindex, "从目录重建检索索引 / rebuild the search index from the catalog")


def cmd_search(args: argparse.Namespace) -> int:
    from archiver.index import legacy_whoosh, open_index, sync

    home, cat = open_home(args)
    idx = open_index(home)
    if not idx.usable():
        print("检索索引是旧版 whoosh 格式，正在从目录重建…… / old whoosh index, rebuilding" if legacy_whoosh(home) else
              "检索索引缺失或已损坏，正在从目录重建…… / index missing or broken, rebuilding", file=sys.stderr)
    sync(home, cat, make_reporter(True))  # also applies updates an interrupted ingest left queued
    res = idx.search(cat, args.query, limit=args.limit, offset=args.offset)
    with cat.transaction():
        cat.audit(cli_user(), "search", scrub(args.query), f"{res.total} hits")
    if args.json:
        print_json({"query": args.query, "total": res.total, "offset": args.offset, "results": [
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

    home, cat = open_home(args)
    reporter = make_reporter(False)
    with reporter:
        rebuild(home, cat, reporter)
    print(f"检索索引已重建：{cat.counts()['households']} 户 / index rebuilt")
    return 0
