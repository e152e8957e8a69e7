"""`dibao import …` (sheets held for confirmation, rejected rows as work) and what `dibao ingest --dry-run`
runs (what would be understood of each spreadsheet, nothing written; archive.py builds that command). The workflow is archiver/sheet_review.py."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from .context import Subcommands, cli_user, command, group, open_home, print_json


def build(sub: Subcommands) -> None:
    isub = group(sub, "import", "表格导入复核：待确认的表格、拒收的行 / import review: held sheets, rejected rows")
    sp = command(isub, "list-held", cmd_list_held, "列出待确认列对应的表格（原因、拟定的列对应）/ sheets held for confirmation")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(isub, "confirm", cmd_confirm, "确认（或修改）列对应并导入；同样表头的文件以后直接导入 / confirm a held sheet's mapping")
    sp.add_argument("id", type=int, help="文件编号（list-held 所列）/ file id")
    sp.add_argument("--map", nargs="*", default=[], metavar="FIELD=COLUMN",
                    help="修改列对应，如 head_id=户主身份证号 或 member_id=E；列名为空表示不读该字段 / change the mapping")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(isub, "rejected", cmd_rejected, "列出或导出一个文件拒收的行（每行旁注明原因，供村里改正后重新导入）/ a file's rejected rows")
    sp.add_argument("file_id", type=int, help="文件编号 / file id")
    sp.add_argument("-o", "--output", help="导出为 .xlsx / export to xlsx")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")


def cmd_dry_run(args: argparse.Namespace) -> int:
    from archiver.home import resolve
    from archiver.sheet_review import dry_run

    home = resolve(args.home)
    home.require()
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.exists():
            raise UsageError(f"路径不存在：{p} / no such file or folder")
    files = dry_run(home, paths)
    if args.json:
        print_json({"dry_run": True, "files": files})
        return 0
    for f in files:
        print(f"{f['source_name']}：{_outcome(f['outcome'])}{('（' + f['reason'] + '）') if f.get('reason') else ''}")
        for s in f.get("sheet_mappings", []):
            rows = s["rows"]
            print(f"  工作表「{s['sheet']}」表头{rows['header']}行 · 数据{rows['data']}行 · 合计{rows['total']}行 · "
                  f"表尾{rows['footer']}行")
            print("  列对应：" + "；".join(f"{k}←「{v}」" for k, v in s["mapping"].items()))
        if f.get("rejected"):
            print(f"  将拒收{f['rejected']}行")
    print(f"试运行：{len(files)}个文件，未写入任何内容 / dry run: nothing written")
    return 0


def _outcome(o: str) -> str:
    return {"archived": "可导入", "held": "待确认", "quarantined": "将隔离", "not_a_sheet": "不是表格",
            "skipped": "跳过"}.get(o, o)


def cmd_list_held(args: argparse.Namespace) -> int:
    from archiver.sheet_review import held

    _, cat = open_home(args)
    items = held(cat)
    if args.json:
        print_json({"held": [{"id": h.file_id, "source_name": h.source_name, "reason": h.reason,
                              "sheets": [{"sheet": s["sheet"], "mapping": s["mapping"], "columns": s["columns"],
                                          "rows": s["rows"], "reasons": s["reasons"], "candidates": s["candidates"]}
                                         for s in h.review["sheets"]]} for h in items]})
        return 0
    if not items:
        print("没有待确认的表格 / nothing held")
    for h in items:
        print(f"{h.file_id}\t{h.source_name}\t{h.reason}")
        for s in h.review["sheets"]:
            print("  工作表「" + s["sheet"] + "」拟定列对应：" + "；".join(f"{k}←「{v}」" for k, v in s["mapping"].items()))
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    from archiver.sheet_review import confirm, parse_changes

    home, cat = open_home(args)
    result = confirm(home, cat, args.id, parse_changes(args.map), cli_user())
    if args.json:
        print_json(result)
        return 0
    print(f"已确认并导入文件{args.id}：{result['rows']}行，拒收{result['rejected']}行；同样表头的文件以后直接导入 / "
          f"confirmed and imported")
    if result["also_imported"]:
        print(f"同样表头的待确认文件也已导入：{'、'.join(map(str, result['also_imported']))} / same layout, imported too")
    return 0


def cmd_rejected(args: argparse.Namespace) -> int:
    from archiver.sheet_review import export_rejected, rejected

    home, cat = open_home(args)
    if cat.file(args.file_id) is None:
        raise UsageError(f"没有文件{args.file_id} / no such file")
    if args.output:
        n = export_rejected(home, cat, args.file_id, Path(args.output))
        with cat.transaction():
            cat.audit(cli_user(), "import.rejected.export", str(args.file_id), args.output)
        print(f"已导出{n}行拒收行到 {args.output}（每行旁注明原因）/ exported {n} rejected rows")
        return 0
    rows = rejected(cat, args.file_id)
    if args.json:
        print_json({"file_id": args.file_id, "rejected": rows})
        return 0
    for r in rows:
        print(f"[{r['sheet']}] 第{r['row']}行 「{r['column']}」：{r['reason']}")
    print(f"共{len(rows)}条 / {len(rows)} rejected")
    return 0
