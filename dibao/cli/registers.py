"""`dibao cadres import|list` (近亲属备案 register), `dibao deaths import` (death/cremation lists) and
`dibao income KEY` (a staff statement of a household's income, the basis of its amount)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from archiver.privacy import mask_id

from ..errors import UsageError
from .context import Subcommands, cli_user, command, group, household_or_fail, open_home, print_json


def build(sub: Subcommands) -> None:
    csub = group(sub, "cadres", "村干部和经办人员及其近亲属备案名册 / cadre and staff register")
    sp = command(csub, "import", cmd_cadres_import, "导入干部及近亲属名册（列：干部姓名、干部身份证号、职务、村、亲属姓名、"
                 "亲属身份证号、关系；本人填“本人”）/ import the cadre register")
    sp.add_argument("file", help="xlsx/xls/csv 文件 / spreadsheet")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(csub, "list", cmd_cadres_list, "列出名册及其在保家庭 / list the register and its households in 保")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    dsub = group(sub, "deaths", "死亡（火化）人员名单 / death and cremation lists")
    sp = command(dsub, "import", cmd_deaths_import, "导入死亡或火化名单（列：姓名、身份证号、死亡日期）/ import a death list")
    sp.add_argument("file", help="xlsx/xls/csv 文件 / spreadsheet")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(dsub, "list", cmd_deaths_list, "列出已导入的死亡名单及所在户 / list recorded deaths and their households")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")

    sp = command(sub, "income", cmd_income, "登记或更正家庭收入（核算保障金的依据）/ record or correct a household's income")
    sp.add_argument("key", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--monthly", type=float, help="家庭月收入（元）/ household monthly income")
    sp.add_argument("--per-capita", dest="per_capita", type=float, help="人均月收入（元）/ per-capita monthly income")
    sp.add_argument("--persons", type=int, help="共同生活家庭人口（按家庭月收入折算人均时用）/ family size")
    sp.add_argument("--from", dest="start", help="自何日起 YYYY-MM-DD，默认今天 / in force from (default today)")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")


def _load(args: argparse.Namespace, what: str) -> int:
    from archiver import registers

    home, cat = open_home(args)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"文件不存在：{path} / no such file")
    result = registers.import_cadres(cat, path) if what == "cadres" else registers.import_deaths(cat, path)
    if args.json:
        print_json({"rows": result.rows, "written": list(result.written), "errors": result.errors})
        return 0
    for e in result.errors:
        print(f"  拒收行 {e}")
    label = "名册" if what == "cadres" else "死亡名单"
    print(f"已导入{label} {result.rows} 行，拒收 {len(result.errors)} 行 / imported {result.rows} rows, "
          f"{len(result.errors)} rejected")
    return 0


def cmd_cadres_import(args: argparse.Namespace) -> int:
    return _load(args, "cadres")


def cmd_deaths_import(args: argparse.Namespace) -> int:
    return _load(args, "deaths")


def cmd_income(args: argparse.Namespace) -> int:
    """A staff statement of income is a new dated row (the roster's stays), audited with before and after."""
    import datetime as dt
    import json

    from archiver.catalog.models import Income, today
    from archiver.policy import load
    from generators.rules import basis

    home, cat = open_home(args)
    if args.monthly is None and args.per_capita is None:
        raise UsageError("需要 --monthly 或 --per-capita / give --monthly or --per-capita")
    for value in (args.monthly, args.per_capita):
        if value is not None and value < 0:
            raise UsageError(f"收入不能为负数：{value} / income cannot be negative")
    day = args.start or today()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise UsageError(f"--from 日期格式应为 YYYY-MM-DD：{day} / --from must be YYYY-MM-DD") from None
    h = household_or_fail(cat, args.key)
    policy = load(home.root)
    before = basis.compute(h, day, policy)
    user = cli_user()
    with cat.transaction():
        cat.add_income(h.id, Income(day, args.monthly, args.per_capita, args.persons, "人工更正"), user=user)
        after_h = cat.household(h.id)
        assert after_h is not None
        after = basis.compute(after_h, day, policy)
        cat.audit(user, "income.set", h.key, json.dumps({
            "from": day, "before": {"income_per_capita": before.income_per_capita, "due_monthly": before.due_monthly},
            "after": {"income_per_capita": after.income_per_capita, "due_monthly": after.due_monthly}}, ensure_ascii=False))
    if args.json:
        print_json({"household_id": h.key, "from": day, "before": before.as_json(), "basis": after.as_json()})
        return 0
    print(f"已登记 {h.key} 自{day}起收入：人均月收入 {after.income_per_capita}元；应发 {before.due_monthly:.2f} → "
          f"{after.due_monthly:.2f}元/月（{after.mode}）/ income recorded")
    return 0


def cmd_deaths_list(args: argparse.Namespace) -> int:
    from archiver.catalog.models import provisional_key

    home, cat = open_home(args)
    rows: list[dict[str, Any]] = []
    for d in cat.deaths().values():
        keys: list[str] = []
        for hid in cat.household_ids_by_member(d.id_number, current_only=False):
            row = cat.household_row(hid)
            if row is not None:
                keys.append(row["household_no"] or provisional_key(hid))
        rows.append({"name": d.name, "id_number": mask_id(d.id_number), "died_on": d.died_on, "source": d.source_file,
                     "households": keys})
    if args.json:
        print_json({"deaths": rows})
        return 0
    for r in rows:
        print(f"{r['name']}\t{r['id_number']}\t{r['died_on'] or '日期不详'}\t{'、'.join(r['households']) or '-'}\t{r['source']}")
    print(f"共 {len(rows)} 人 / {len(rows)} people")
    return 0


def cmd_cadres_list(args: argparse.Namespace) -> int:
    from generators.rules import relatives

    home, cat = open_home(args)
    rows = relatives.register_households(cat)
    if args.json:
        print_json({"people": [{**r, "id_number": mask_id(r["id_number"])} for r in rows]})
        return 0
    for r in rows:
        where = "、".join(r["households"]) or "-"
        print(f"{r['cadre_name']}（{r['post'] or '-'} {r['village'] or '-'}）\t{r['relation']}\t{r['name']}\t"
              f"{mask_id(r['id_number'])}\t备案 {r['declared_on'] or '-'}\t核查 {r['checked_on'] or '-'}\t在保户 {where}")
    print(f"共 {len(rows)} 人 / {len(rows)} people")
    return 0
