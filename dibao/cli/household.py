"""`dibao household list|show|add|set` and `dibao member set`: a household's record, a first-time applicant
registered before any roster names it (archiver/applicants.py), and corrections of a household's own facts
and of a member's coverage (archiver/corrections.py)."""

from __future__ import annotations

import argparse

from archiver.catalog import Catalog, Scope
from archiver.catalog.models import Household
from archiver.home import Home
from archiver.privacy import mask_id, mask_phone, scrub

from ..errors import UsageError
from .context import Subcommands, cli_user, command, group, household_or_fail, open_home, print_json


def build(sub: Subcommands) -> None:
    hsub = group(sub, "household", "户档案 / households")
    sp = command(hsub, "list", cmd_household_list, "列出户 / list households")
    sp.add_argument("--township", help="乡镇 / township")
    sp.add_argument("--village", help="村(社区) / village")
    sp.add_argument("--status", help="状态，如 在保、停保 / status")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(hsub, "show", cmd_household_show, "查看一户：成员、档案、变动 / show one household")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp.add_argument("--on", help="计算保障金依据的日期 YYYY-MM-DD，默认今天 / day of the amount's basis (default today)")
    sp = command(hsub, "add", cmd_household_add,
                 "登记首次申请的家庭（临时编号D…）；隔离区中属于该户的材料随即归档 / register a first-time applicant")
    sp.add_argument("--village", required=True, help="乡镇/村（或只有一个乡镇有的村名）/ TOWNSHIP/VILLAGE")
    sp.add_argument("--name", required=True, help="申请人（户主）姓名 / the applicant's name")
    sp.add_argument("--id", dest="id_number", required=True, help="申请人身份证号 / the applicant's ID number")
    sp.add_argument("--member", action="append", default=[],
                    help="其他家庭成员“姓名,身份证号,关系”，可重复 / another member NAME,ID[,RELATION] (repeatable)")
    sp.add_argument("--applied", help="申请日期 YYYY-MM-DD（默认今天）/ application date (default today)")
    sp.add_argument("--type", dest="area_type", default="", help="城市 或 农村 / 城市 or 农村")
    sp.add_argument("--address", default="", help="家庭住址 / address")
    sp.add_argument("--phone", default="", help="联系电话 / phone")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(hsub, "set", cmd_household_set, "更正户的信息：分类、住址、电话、备注（均留痕）/ correct a household's facts")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--class", dest="category", help="分类 A/B/C / class")
    sp.add_argument("--address", help="住址 / address")
    sp.add_argument("--phone", help="联系电话 / phone")
    sp.add_argument("--note", help="备注（可检索）/ note (searchable)")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    msub = group(sub, "member", "家庭成员 / household members")
    sp = command(msub, "set", cmd_member_set, "成员是否纳入保障及原因 / whether a member is covered, and why")
    sp.add_argument("id_number", help="成员身份证号 / the member's ID number")
    sp.add_argument("--covered", choices=["yes", "no", "是", "否"], help="是否纳入保障 yes/no / covered")
    sp.add_argument("--reason", help="原因，如 服刑、已就业有稳定收入 / reason")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")


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
    home, cat = open_home(args)
    township, village = args.township, args.village
    if village and "/" in village:  # a village by its whole path, 乡镇/村
        township, village = village.split("/", 1)
    hs = cat.households(Scope(township=township, village=village), status=args.status)
    if args.json:
        print_json({"households": [_household_json(h, False) for h in hs]})
        return 0
    for h in hs:
        print(f"{h.key}\t{h.township}\t{h.village}\t{h.head_name}\t{mask_id(h.head_id_number)}\t{h.area_type or '-'}"
              f"\t{h.category or '-'}\t{h.status}\t{h.persons or 0}人\t{h.monthly_amount or 0:.2f}元")
    print(f"共 {len(hs)} 户 / {len(hs)} households")
    return 0


def cmd_household_show(args: argparse.Namespace) -> int:
    home, cat = open_home(args)
    h = household_or_fail(cat, args.key)
    with cat.transaction():
        cat.audit(cli_user(), "household.view", h.key, "cli")
    data = _household_json(h, True)
    data["basis"] = _basis_json(home, cat, h, getattr(args, "on", None))
    data["import_conflicts"] = [{"field": c["field"], "manual": c["manual"], "imported": c["imported"], "at": c["at"]}
                                for c in cat.import_conflicts(h.id)]
    from archiver.policy import load
    from generators.rules.cases import household_cases

    data["cases"] = [c.as_json() for c in household_cases(cat, h, load(home.root))]
    if args.json:
        print_json(data)
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

    from archiver.catalog.models import today
    from archiver.policy import load
    from generators.rules import basis

    day = on or today()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise UsageError(f"--on 日期格式应为 YYYY-MM-DD：{day} / --on must be YYYY-MM-DD") from None
    dead = {d.id_number: d.died_on for d in cat.deaths().values()}
    return basis.compute(h, day, load(home.root), dead=dead).as_json()



def cmd_household_add(args: argparse.Namespace) -> int:
    from archiver import applicants

    home, cat = open_home(args)
    members = [applicants.parse_member(m) for m in args.member]
    res = applicants.register(home, cat, cli_user(), args.village, applicants.Person(args.name, args.id_number), members,
                              args.applied, args.area_type, args.address, args.phone)
    if args.json:
        print_json({"household_id": res.key, "filed": res.filed})
        return 0
    print(f"已登记申请户 {res.key}（{args.name}，{1 + len(members)}人）/ applicant household registered")
    for f in res.filed:
        print(f"  隔离区的 {f['source_name']}（{f['type']}）已归入本户，档案 {f['document_id']}")
    return 0


def cmd_household_set(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    home, cat = open_home(args)
    values = {"category": args.category, "address": args.address, "phone": args.phone, "note": args.note}
    if all(v is None for v in values.values()):
        raise UsageError("请至少给出 --class、--address、--phone、--note 之一 / nothing to change")
    hid = household_or_fail(cat, args.key).id
    changes = c.set_household(home, cat, hid, cli_user(), **values)
    if args.json:
        print_json({"household_id": args.key, "changes": [{"what": c.LABELS[k], "field": k, "before": b, "after": a}
                                                          for k, b, a in changes]})
        return 0
    for k, b, a in changes:
        if k == "phone":
            b, a = mask_phone(b), mask_phone(a)
        print(f"  {c.LABELS[k]}：{b or '空'} → {a or '空'}")
    print(f"已更正 {len(changes)} 项（已留痕，以后导入的花名册不会悄悄改回）/ {len(changes)} corrections")
    return 0


def cmd_member_set(args: argparse.Namespace) -> int:
    from archiver import corrections as c

    home, cat = open_home(args)
    if args.covered is None and args.reason is None:
        raise UsageError("请给出 --covered 或 --reason / nothing to change")
    covered = None if args.covered is None else args.covered in ("yes", "是")
    res = c.set_member(cat, args.id_number, cli_user(), covered, args.reason)
    if args.json:
        print_json(res)
        return 0
    state = "纳入保障" if res["covered"] else f"不纳入保障（{res['covered_reason']}）"
    print(f"户 {res['household_id']} 成员 {res['name']}：{state} / member updated")
    return 0
