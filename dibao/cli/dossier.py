"""Papers for the file: `dibao dossier` (一户一档, one PDF per household ready for an inspection) and
`dibao coversheet` (QR cover sheets that file a batch of scans to their household)."""

from __future__ import annotations

import argparse
from pathlib import Path

from archiver import codekeys
from archiver.filing import inside

from ..progress import make_reporter
from .context import Subcommands, audit_export, command, key_or_village, open_home


def build(sub: Subcommands) -> None:
    sp = command(sub, "dossier", cmd_dossier, "一户一档：封面、材料清单、目录、全部材料（PDF）/ inspection-ready household dossier")
    sp.add_argument("key", nargs="?", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--village", help="整村每户一个PDF，另附索引 / one PDF per household of a village, plus an index")
    sp.add_argument("-o", "--output", required=True, help="输出PDF文件（整村时为目录）/ output PDF (a folder with --village)")
    sp = command(sub, "coversheet", cmd_coversheet, "打印带二维码的扫描封面 / print QR cover sheets for batch scanning")
    sp.add_argument("key", nargs="?", help="户编号或成员身份证号 / household number or member ID")
    sp.add_argument("--village", help="为整个村每户各打印一张 / one sheet per household of a village")
    sp.add_argument("-o", "--output", required=True, help="输出PDF文件 / output PDF")


def cmd_dossier(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import dossier

    home, cat = open_home(args)
    policy = load(home.root)
    households = key_or_village(cat, args.key, args.village, full=True)
    if args.key:
        h = households[0]
        out = dossier.build(home, h, policy, Path(args.output))
        audit_export(cat, "dossier", h.key, out)
        print(f"已生成档案：{out}（{len(h.documents)} 份材料）/ dossier written")
        return 0
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    reporter = make_reporter(False)
    rows = []
    with reporter:
        reporter.start(len(households), "生成档案 / dossiers")
        for h in households:
            out = dossier.build(home, h, policy, inside(folder, f"{h.key}_{h.head_name}.pdf"))
            rows.append((h, out))
            reporter.advance()
    dossier.write_index(rows, policy, folder, args.village, home.templates)
    audit_export(cat, "dossier", args.village, folder)
    print(f"已生成 {len(rows)} 户档案及索引：{folder} / {len(rows)} dossiers")
    return 0


def cmd_coversheet(args: argparse.Namespace) -> int:
    from archiver.policy import load
    from generators import coversheet

    home, cat = open_home(args)
    households = key_or_village(cat, args.key, args.village)
    out = coversheet.render(households, load(home.root).office.name, Path(args.output), codekeys.secret(home.root))
    audit_export(cat, "coversheet", args.key or args.village or "", out)
    print(f"已生成 {len(households)} 张封面：{out} / {len(households)} cover sheets")
    return 0
