"""`dibao quarantine list|assign|reject`: what could not be filed, filed by hand (some or all pages) to a
household, or closed with a reason (不予归档). Thin over archiver/quarantine.py."""

from __future__ import annotations

import argparse

from archiver.privacy import scrub

from ..errors import UsageError
from .context import (
    Subcommands,
    cli_user,
    command,
    group,
    household_or_fail,
    open_home,
    print_json,
)


def build(sub: Subcommands) -> None:
    qsub = group(sub, "quarantine", "隔离区：无法归档的文件 / quarantine")
    sp = command(qsub, "list", cmd_quarantine_list, "列出隔离文件及原因 / list quarantined files")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp.add_argument("--all", action="store_true", help="包括已归档和不予归档的 / include closed items")
    sp = command(qsub, "assign", cmd_quarantine_assign, "把隔离文件手工归入某户 / file a quarantined document by hand")
    sp.add_argument("file_id", help="隔离编号（quarantine list 中的编号）/ quarantine item id")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--type", help="档案类型，如 收入证明 / document type")
    sp.add_argument("--pages", help="只归档这些页，如 1,3（其余页留在隔离区）/ file only these pages")
    sp = command(qsub, "reject", cmd_quarantine_reject, "不予归档（写明原因，文件保留，可用 list --all 查看）/ reject an item")
    sp.add_argument("item_id", help="隔离编号 / quarantine item id")
    sp.add_argument("--reason", required=True, help="原因 / reason")


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    from archiver import quarantine

    home, cat = open_home(args)
    rows = quarantine.items(cat, include_closed=args.all)
    data = [quarantine.item_json(cat, q) for q in rows]
    for q in data:  # a listing: an ID number in a file name is masked (the catalog keeps the original)
        q["source_name"] = scrub(q["source_name"])
        q["source_names"] = [scrub(n) for n in q["source_names"]]
    if args.json:
        print_json({"items": data})
        return 0
    for q in data:
        cands = "、".join(f"{c['household_id']}（{c['village']} {c['head_name']}）" for c in q["candidates"])
        state = "" if q["status"] == "待处理" else f"【{q['status']}{'：' + q['rejected_reason'] if q['rejected_reason'] else ''}】"
        print(f"[{q['item_id']}] {state}{q['source_name']}：{q['reason']}" + (f"  候选户：{cands}" if cands else ""))
        if len(q["source_names"]) > 1:  # the same bytes came under several names: one stored copy, each listed
            print(f"      同一内容共 {len(q['source_names'])} 个文件：{'、'.join(q['source_names'])}")
    open_n = sum(q["status"] == "待处理" for q in data)
    print(f"隔离区共 {open_n} 个待处理文件 / {open_n} quarantined")
    return 0


def cmd_quarantine_assign(args: argparse.Namespace) -> int:
    from archiver import classify, quarantine

    home, cat = open_home(args)
    hid = household_or_fail(cat, args.key).id
    doc_type = None
    if args.type:
        doc_type = classify.normalise_type(args.type)
        if doc_type is None:
            raise UsageError(f"未知的档案类型：{args.type}；可用：{'、'.join(classify.ALL_TYPES)} / unknown type")
    if not args.file_id.isdigit():
        raise UsageError(f"隔离编号应为数字：{args.file_id} / quarantine id must be a number")
    doc_id = quarantine.assign(home, cat, int(args.file_id), hid, doc_type, cli_user(), quarantine.parse_pages(args.pages))
    print(f"已归档为档案 {doc_id} / filed as document {doc_id}")
    return 0


def cmd_quarantine_reject(args: argparse.Namespace) -> int:
    from archiver import quarantine

    home, cat = open_home(args)
    if not args.item_id.isdigit():
        raise UsageError(f"隔离编号应为数字：{args.item_id} / quarantine id must be a number")
    quarantine.reject(cat, int(args.item_id), args.reason, cli_user())
    print(f"隔离文件 {args.item_id} 不予归档（原因已记录，文件保留）/ rejected")
    return 0
