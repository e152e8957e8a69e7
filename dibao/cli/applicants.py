"""`dibao household add`: register a first-time applicant's household before any roster names it.
Thin over archiver/applicants.py."""

from __future__ import annotations

import argparse
from typing import Any


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    from .corrections import subparsers_of

    hsub = subparsers_of(sub.choices["household"])
    sp = add("add", cmd_household_add,
             "登记首次申请的家庭（临时编号D…）；隔离区中属于该户的材料随即归档 / register a first-time applicant", hsub)
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


def cmd_household_add(args: argparse.Namespace) -> int:
    from archiver import applicants

    from . import _open, _print_json, _user

    home, cat = _open(args)
    members = [applicants.parse_member(m) for m in args.member]
    res = applicants.register(home, cat, _user(), args.village, applicants.Person(args.name, args.id_number), members,
                              args.applied, args.area_type, args.address, args.phone)
    if args.json:
        _print_json({"household_id": res.key, "filed": res.filed})
        return 0
    print(f"已登记申请户 {res.key}（{args.name}，{1 + len(members)}人）/ applicant household registered")
    for f in res.filed:
        print(f"  隔离区的 {f['source_name']}（{f['type']}）已归入本户，档案 {f['document_id']}")
    return 0
