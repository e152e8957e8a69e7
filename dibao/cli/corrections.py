"""Corrections on the command line: document show/set/trash/restore, trash list, household set, member set,
history, quarantine reject (and `quarantine list --all`). Thin over archiver/corrections.py and quarantine.py."""

from __future__ import annotations

import argparse
from typing import Any

from archiver.catalog import Catalog
from archiver.privacy import scrub


def subparsers_of(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    """The sub-command table of an existing command group (to add a command to `household`, `user`, …)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError(parser.prog)


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    from . import commands

    dp = add("document", lambda a: commands._missing_sub("document"), "档案更正：查看、改正、回收站 / correct filed documents")
    dsub = dp.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("show", cmd_document_show, "查看一份档案 / show one document", dsub)
    sp.add_argument("doc_id", help="档案编号 / document id")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = add("set", cmd_document_set, "更正档案：所属户、类型、日期、备注（均留痕）/ correct a document (audited)", dsub)
    sp.add_argument("doc_id", help="档案编号 / document id")
    sp.add_argument("--household", help="改归到此户（户编号或成员身份证号），文件随之移动 / move to this household")
    sp.add_argument("--type", help="档案类型，如 收入证明 / document type")
    sp.add_argument("--date", help="档案日期 YYYY-MM-DD，none 为清除 / document date, or none")
    sp.add_argument("--note", help="备注（可检索）/ note (searchable)")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = add("trash", cmd_document_trash, "移入回收站（文件保留在磁盘上，可恢复）/ move to the recoverable trash", dsub)
    sp.add_argument("doc_id", help="档案编号 / document id")
    sp.add_argument("--reason", required=True, help="原因 / reason")
    sp = add("restore", cmd_document_restore, "从回收站恢复 / restore from the trash", dsub)
    sp.add_argument("doc_id", help="档案编号 / document id")

    tp = add("trash", lambda a: commands._missing_sub("trash"), "回收站 / the trash")
    tsub = tp.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("list", cmd_trash_list, "回收站中的档案 / documents in the trash", tsub)
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    hsub = subparsers_of(sub.choices["household"])
    sp = add("set", cmd_household_set, "更正户的信息：分类、住址、电话、备注（均留痕）/ correct a household's facts", hsub)
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--class", dest="category", help="分类 A/B/C / class")
    sp.add_argument("--address", help="住址 / address")
    sp.add_argument("--phone", help="联系电话 / phone")
    sp.add_argument("--note", help="备注（可检索）/ note (searchable)")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    mp = add("member", lambda a: commands._missing_sub("member"), "家庭成员 / household members")
    msub = mp.add_subparsers(dest="sub", metavar="SUBCOMMAND")
    sp = add("set", cmd_member_set, "成员是否纳入保障及原因 / whether a member is covered, and why", msub)
    sp.add_argument("id_number", help="成员身份证号 / the member's ID number")
    sp.add_argument("--covered", choices=["yes", "no", "是", "否"], help="是否纳入保障 yes/no / covered")
    sp.add_argument("--reason", help="原因，如 服刑、已就业有稳定收入 / reason")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    sp = add("history", cmd_history, "更正记录：谁、何时、改前、改后 / the correction trail")
    sp.add_argument("key", nargs="?", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--document", help="某份档案的记录 / one document's trail")
    sp.add_argument("--user", dest="account", nargs="?", const="", default=None,
                    help="用户账户的变更（新增、停用、角色辖区、重置密码）；不写用户名则列出全部账户 / "
                         "a user account's trail (all accounts without a name)")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    sp = add("reject", cmd_quarantine_reject, "不予归档（写明原因，文件保留，可用 list --all 查看）/ reject an item", qsub)
    sp.add_argument("item_id", help="隔离编号 / quarantine item id")
    sp.add_argument("--reason", required=True, help="原因 / reason")
    ql = qsub.choices["list"]
    ql.add_argument("--all", action="store_true", help="包括已归档和不予归档的 / include closed items")
    ql.set_defaults(func=cmd_quarantine_list)
    qa = qsub.choices.get("assign")
    if qa is not None:
        qa.add_argument("--pages", help="只归档这些页，如 1,3（其余页留在隔离区）/ file only these pages")
        qa.set_defaults(func=cmd_quarantine_assign)


def _doc_id(value: str) -> int:
    from ..errors import UsageError

    v = value.strip()
    if not v.isdigit():
        raise UsageError(f"档案编号应为数字：{value} / document id must be a number")
    return int(v)


def _refused(exc: Exception) -> Exception:
    from ..errors import UsageError

    return UsageError(str(exc))


def _print_document(state: dict, as_json: bool) -> None:
    from . import _print_json

    if as_json:
        _print_json(state)
        return
    trashed = f"  【回收站】{state['trash_reason']}" if state["trashed"] else ""
    print(f"档案 {state['document_id']}  户 {state['household_id']}（{state['township']}{state['village']}）  "
          f"{state['type']}  {state['date'] or '日期不详'}  {scrub(state['source_name'])}{trashed}")
    print(f"  文件 {state['path']}")
    if state["note"]:
        print(f"  备注 {state['note']}")


def cmd_document_show(args: argparse.Namespace) -> int:
    from archiver.corrections import CorrectionRefused, document_state

    from . import _open, _user

    home, cat = _open(args)
    try:
        state = document_state(cat, _doc_id(args.doc_id))
    except CorrectionRefused as exc:
        raise _refused(exc) from exc
    with cat.transaction():
        cat.audit(_user(), "document.view", args.doc_id, "cli")
    _print_document(state, args.json)
    return 0


def _household_id(cat: Catalog, key: str) -> int:
    from . import household_or_fail

    return household_or_fail(cat, key).id


def cmd_document_set(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    from ..errors import UsageError
    from . import _open, _user

    home, cat = _open(args)
    if args.household is None and args.type is None and args.date is None and args.note is None:
        raise UsageError("请至少给出 --household、--type、--date、--note 之一 / nothing to change")
    try:
        state = c.set_document(
            home, cat, _doc_id(args.doc_id), _user(),
            household_id=_household_id(cat, args.household) if args.household else None,
            doc_type=c.parse_type(args.type) if args.type else None,
            date=c.parse_date(args.date) if args.date is not None else c.UNSET, note=args.note)
    except c.CorrectionRefused as exc:
        raise _refused(exc) from exc
    _print_document(state, args.json)
    return 0


def cmd_document_trash(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    from . import _open, _user

    home, cat = _open(args)
    try:
        state = c.trash_document(home, cat, _doc_id(args.doc_id), _user(), args.reason)
    except c.CorrectionRefused as exc:
        raise _refused(exc) from exc
    print(f"档案 {state['document_id']} 已移入回收站（文件仍保留在磁盘上，可用 dibao document restore 恢复）/ trashed")
    return 0


def cmd_document_restore(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    from . import _open, _user

    home, cat = _open(args)
    try:
        state = c.restore_document(home, cat, _doc_id(args.doc_id), _user())
    except c.CorrectionRefused as exc:
        raise _refused(exc) from exc
    print(f"档案 {state['document_id']} 已恢复到户 {state['household_id']} / restored")
    return 0


def cmd_trash_list(args: argparse.Namespace) -> int:
    from archiver.corrections import trash_items

    from . import _open, _print_json

    home, cat = _open(args)
    items = trash_items(cat)
    if args.json:
        _print_json({"items": items})
        return 0
    for i in items:
        print(f"[{i['document_id']}] 户 {i['household_id']} {i['type']} {scrub(i['source_name'])}\t{i['trashed_at'][:16]} "
              f"{i['user']}：{i['reason']}")
    print(f"回收站共 {len(items)} 份档案 / {len(items)} in the trash")
    return 0


def cmd_household_set(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    from ..errors import UsageError
    from . import _open, _print_json, _user

    home, cat = _open(args)
    values = {"category": args.category, "address": args.address, "phone": args.phone, "note": args.note}
    if all(v is None for v in values.values()):
        raise UsageError("请至少给出 --class、--address、--phone、--note 之一 / nothing to change")
    hid = _household_id(cat, args.key)
    try:
        changes = c.set_household(home, cat, hid, _user(), **values)
    except c.CorrectionRefused as exc:
        raise _refused(exc) from exc
    if args.json:
        _print_json({"household_id": args.key, "changes": [{"what": c.LABELS[k], "field": k, "before": b, "after": a}
                                                           for k, b, a in changes]})
        return 0
    from archiver.privacy import mask_phone

    for k, b, a in changes:
        if k == "phone":
            b, a = mask_phone(b), mask_phone(a)
        print(f"  {c.LABELS[k]}：{b or '空'} → {a or '空'}")
    print(f"已更正 {len(changes)} 项（已留痕，以后导入的花名册不会悄悄改回）/ {len(changes)} corrections")
    return 0


def cmd_member_set(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    from ..errors import UsageError
    from . import _open, _print_json, _user

    home, cat = _open(args)
    if args.covered is None and args.reason is None:
        raise UsageError("请给出 --covered 或 --reason / nothing to change")
    covered = None if args.covered is None else args.covered in ("yes", "是")
    try:
        res = c.set_member(cat, args.id_number, _user(), covered, args.reason)
    except c.CorrectionRefused as exc:
        raise _refused(exc) from exc
    if res["changed"]:
        from archiver.index import sync

        sync(home, cat)
    if args.json:
        _print_json(res)
        return 0
    state = "纳入保障" if res["covered"] else f"不纳入保障（{res['covered_reason']}）"
    print(f"户 {res['household_id']} 成员 {res['name']}：{state} / member updated")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    from ..errors import UsageError
    from . import _open, _print_json

    home, cat = _open(args)
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
        changes = c.history(cat, household_id=_household_id(cat, args.key))
    if args.json:
        _print_json({"changes": changes})
        return 0
    for ch in changes:
        doc = f"档案{ch['document_id']} " if ch["document_id"] and not args.document else ""
        doc = f"用户 {ch['account']} " if ch.get("account") and not args.account else doc
        print(f"{ch['at'][:19].replace('T', ' ')}\t{ch['user']}\t{doc}{ch['what']}：{ch['before'] or '空'} → "
              f"{ch['after'] or '空'}")
    print(f"共 {len(changes)} 条更正记录 / {len(changes)} changes")
    return 0


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    from archiver import quarantine

    from . import _open, _print_json

    home, cat = _open(args)
    rows = quarantine.items(cat, include_closed=getattr(args, "all", False))
    data = [quarantine.item_json(cat, q) for q in rows]
    for q in data:  # a listing: an ID number in a file name is masked (the catalog keeps the original)
        q["source_name"] = scrub(q["source_name"])
        q["source_names"] = [scrub(n) for n in q["source_names"]]
    if args.json:
        _print_json({"items": data})
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

    from ..errors import UsageError
    from . import _open, _user
    from .commands import _reindex

    home, cat = _open(args)
    hid = _household_id(cat, args.key)
    doc_type = None
    if args.type:
        doc_type = classify.normalise_type(args.type)
        if doc_type is None:
            raise UsageError(f"未知的档案类型：{args.type}；可用：{'、'.join(classify.ALL_TYPES)} / unknown type")
    if not args.file_id.isdigit():
        raise UsageError(f"隔离编号应为数字：{args.file_id} / quarantine id must be a number")
    pages = None
    if args.pages:
        try:
            pages = [int(x) for x in args.pages.replace("，", ",").split(",") if x.strip()]
        except ValueError as exc:
            raise UsageError(f"页码应为逗号分隔的数字，如 1,3：{args.pages} / bad --pages") from exc
    try:
        doc_id = quarantine.assign(home, cat, int(args.file_id), hid, doc_type, _user(), pages)
    except (LookupError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    _reindex(home, cat)
    print(f"已归档为档案 {doc_id} / filed as document {doc_id}")
    return 0


def cmd_quarantine_reject(args: argparse.Namespace) -> int:
    from archiver import quarantine

    from ..errors import UsageError
    from . import _open, _user

    home, cat = _open(args)
    if not args.item_id.isdigit():
        raise UsageError(f"隔离编号应为数字：{args.item_id} / quarantine id must be a number")
    try:
        quarantine.reject(cat, int(args.item_id), args.reason, _user())
    except quarantine.QuarantineRefused as exc:
        raise _refused(exc) from exc
    print(f"隔离文件 {args.item_id} 不予归档（原因已记录，文件保留）/ rejected")
    return 0
