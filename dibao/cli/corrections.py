"""Corrections of what was filed: `dibao document show|set|trash|restore`, `dibao trash list` and `dibao history`
(the correction trail of a household, a document, a user account or, with `--settings`, the settings).
Thin over archiver/corrections.py; a household's own facts and a member's coverage are corrected under
`dibao household set` and `dibao member set` (household.py)."""

from __future__ import annotations

import argparse

from archiver.privacy import scrub

from ..errors import UsageError
from . import settings
from .context import Subcommands, cli_user, command, group, household_or_fail, open_home, print_json


def build(sub: Subcommands) -> None:
    dsub = group(sub, "document", "档案更正：查看、改正、回收站 / correct filed documents")
    sp = command(dsub, "show", cmd_document_show, "查看一份档案 / show one document")
    sp.add_argument("doc_id", help="档案编号 / document id")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(dsub, "set", cmd_document_set, "更正档案：所属户、类型、日期、备注（均留痕）/ correct a document (audited)")
    sp.add_argument("doc_id", help="档案编号 / document id")
    sp.add_argument("--household", help="改归到此户（户编号或成员身份证号），文件随之移动 / move to this household")
    sp.add_argument("--type", help="档案类型，如 收入证明 / document type")
    sp.add_argument("--date", help="档案日期 YYYY-MM-DD，none 为清除 / document date, or none")
    sp.add_argument("--note", help="备注（可检索）/ note (searchable)")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(dsub, "trash", cmd_document_trash, "移入回收站（文件保留在磁盘上，可恢复）/ move to the recoverable trash")
    sp.add_argument("doc_id", help="档案编号 / document id")
    sp.add_argument("--reason", required=True, help="原因 / reason")
    sp = command(dsub, "restore", cmd_document_restore, "从回收站恢复 / restore from the trash")
    sp.add_argument("doc_id", help="档案编号 / document id")

    tsub = group(sub, "trash", "回收站 / the trash")
    sp = command(tsub, "list", cmd_trash_list, "回收站中的档案 / documents in the trash")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    sp = command(sub, "history", cmd_history, "更正记录：谁、何时、改前、改后 / the correction trail")
    sp.add_argument("key", nargs="?", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--document", help="某份档案的记录 / one document's trail")
    sp.add_argument("--user", dest="account", nargs="?", const="", default=None,
                    help="用户账户的变更（新增、停用、角色辖区、重置密码）；不写用户名则列出全部账户 / "
                         "a user account's trail (all accounts without a name)")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp.add_argument("--settings", action="store_true", help="设置的变更记录 / the settings' trail")


def _doc_id(value: str) -> int:
    v = value.strip()
    if not v.isdigit():
        raise UsageError(f"档案编号应为数字：{value} / document id must be a number")
    return int(v)


def _print_document(state: dict, as_json: bool) -> None:
    if as_json:
        print_json(state)
        return
    trashed = f"  【回收站】{state['trash_reason']}" if state["trashed"] else ""
    print(f"档案 {state['document_id']}  户 {state['household_id']}（{state['township']}{state['village']}）  "
          f"{state['type']}  {state['date'] or '日期不详'}  {scrub(state['source_name'])}{trashed}")
    print(f"  文件 {state['path']}")
    if state["note"]:
        print(f"  备注 {state['note']}")


def cmd_document_show(args: argparse.Namespace) -> int:
    from archiver.corrections import document_state

    home, cat = open_home(args)
    state = document_state(cat, _doc_id(args.doc_id))
    with cat.transaction():
        cat.audit(cli_user(), "document.view", args.doc_id, "cli")
    _print_document(state, args.json)
    return 0


def cmd_document_set(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    home, cat = open_home(args)
    if args.household is None and args.type is None and args.date is None and args.note is None:
        raise UsageError("请至少给出 --household、--type、--date、--note 之一 / nothing to change")
    state = c.set_document(
        home, cat, _doc_id(args.doc_id), cli_user(),
        household_id=household_or_fail(cat, args.household).id if args.household else None,
        doc_type=c.parse_type(args.type) if args.type else None,
        date=c.parse_date(args.date) if args.date is not None else c.UNSET, note=args.note)
    _print_document(state, args.json)
    return 0


def cmd_document_trash(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    home, cat = open_home(args)
    state = c.trash_document(home, cat, _doc_id(args.doc_id), cli_user(), args.reason)
    print(f"档案 {state['document_id']} 已移入回收站（文件仍保留在磁盘上，可用 dibao document restore 恢复）/ trashed")
    return 0


def cmd_document_restore(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    home, cat = open_home(args)
    state = c.restore_document(home, cat, _doc_id(args.doc_id), cli_user())
    print(f"档案 {state['document_id']} 已恢复到户 {state['household_id']} / restored")
    return 0


def cmd_trash_list(args: argparse.Namespace) -> int:
    from archiver.corrections import trash_items

    home, cat = open_home(args)
    items = trash_items(cat)
    if args.json:
        print_json({"items": items})
        return 0
    for i in items:
        print(f"[{i['document_id']}] 户 {i['household_id']} {i['type']} {scrub(i['source_name'])}\t{i['trashed_at'][:16]} "
              f"{i['user']}：{i['reason']}")
    print(f"回收站共 {len(items)} 份档案 / {len(items)} in the trash")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    if args.settings:
        return settings.cmd_settings_history(args)
    home, cat = open_home(args)
    if sum((bool(args.key), bool(args.document), args.account is not None)) != 1:
        raise UsageError("请给出户编号、--document 或 --user 之一 / give a household key, --document or --user")
    if args.account is not None:
        if args.account and cat.user(args.account) is None:
            raise UsageError(f"没有该用户：{args.account} / no such user")
        changes = c.history(cat, account=args.account)
    elif args.document:
        doc_id = _doc_id(args.document)
        if cat.document_row(doc_id) is None:
            raise UsageError(f"找不到档案：{args.document} / no such document")
        changes = c.history(cat, document_id=doc_id)
    else:
        changes = c.history(cat, household_id=household_or_fail(cat, args.key).id)
    if args.json:
        print_json({"changes": changes})
        return 0
    for ch in changes:
        doc = f"档案{ch['document_id']} " if ch["document_id"] and not args.document else ""
        doc = f"用户 {ch['account']} " if ch.get("account") and not args.account else doc
        print(f"{ch['at'][:19].replace('T', ' ')}\t{ch['user']}\t{doc}{ch['what']}：{ch['before'] or '空'} → "
              f"{ch['after'] or '空'}")
    print(f"共 {len(changes)} 条更正记录 / {len(changes)} changes")
    return 0
