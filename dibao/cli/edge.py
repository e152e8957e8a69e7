"""`dibao edge list --since D [--scope] [-o F.xlsx] [--json]`: households refused, stopped or ended by 渐退
since a day, with their last per-capita income against the standard and the 低保边缘 line."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from .context import Subcommands, cli_user, command, group, iso_day, open_home, print_json


def build(sub: Subcommands) -> None:
    esub = group(sub, "edge", "低保边缘家庭：不予批准、停保、渐退期满的家庭（动态监测）/ households at the edge")
    sp = command(esub, "list", cmd_edge_list, "列出某日以来不予批准、停保、渐退期满的家庭及人均收入与边缘线 / list them")
    sp.add_argument("--since", required=True, help="起始日期 YYYY-MM-DD / from this day")
    sp.add_argument("--scope", help="乡镇或村名，默认全部 / township or village")
    sp.add_argument("-o", "--output", help="输出 .xlsx 文件 / output .xlsx")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")


def cmd_edge_list(args: argparse.Namespace) -> int:
    from archiver.catalog import areas
    from archiver.policy import load
    from generators import edge as edge_sheet
    from generators import stats
    from generators.rules import edge

    since = iso_day(args.since, "--since")
    if args.output and Path(args.output).suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件应为 .xlsx：{args.output} / output must be .xlsx")
    home, cat = open_home(args)
    scope = stats.area(cat, args.scope)
    policy = load(home.root)
    rows = edge.listing(cat, scope, since, policy)
    label = areas.label(scope)
    cat.audit(cli_user(), "export.edge" if args.output else "edge.list", f"{label} {since}", f"{len(rows)}户")
    if args.output:
        out = edge_sheet.write_xlsx(rows, since, "" if label == "全部" else label, policy, Path(args.output))
        if not args.json:
            print(f"已导出 {len(rows)} 户：{out} / written")
    if args.json:
        print_json({"since": since, "scope": label, "multiple": edge.multiple(policy), "households": rows})
    elif not args.output:
        for r in rows:
            ipc = f"{r['income_per_capita']:g}" if r["income_per_capita"] is not None else "未登记"
            print(f"{r['date']}\t{r['kind']}\t{r['household_id']} {r['village']}{r['head']}\t{r['reason']}\t"
                  f"人均{ipc}/标准{r['standard']}/边缘线{r['edge_line']}" + ("\t低保边缘" if r["edge"] else "")
                  + (f"\t{r['returned']}再次申请" if r["returned"] else ""))
        print(f"共 {len(rows)} 户 / {len(rows)} households")
    return 0
