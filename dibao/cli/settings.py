"""`dibao settings show [--json]` and `dibao settings set KEY VALUE`, and the trail `dibao history --settings`
shows (corrections.py builds that command). Thin over archiver/settings/, which the web settings page uses too."""

from __future__ import annotations

import argparse

from .context import Subcommands, cli_user, command, group, open_home, print_json


def build(sub: Subcommands) -> None:
    ssub = group(sub, "settings", "本单位设置：单位名称、监督电话、低保标准、节假日、档案类型等 / the office's settings")
    p = command(ssub, "show", cmd_show, "列出全部设置、取值和来源，标出待填写项 / every setting, its value and source")
    p.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    p = command(ssub, "set", cmd_set, "修改一项设置（校验后写入 policy.toml，留痕）/ change one setting (validated, audited)")
    p.add_argument("key", help="设置项，如 office.name、office.phone、issuer.城关镇、standard.add、calendar.holiday、"
                               "document_types.add / the setting's key")
    p.add_argument("value", help='取值，如 "2026-01-01 城市=780 农村=620" / the value')
    p.add_argument("--json", action="store_true", help="JSON输出 / JSON")


def cmd_show(args: argparse.Namespace) -> int:
    from archiver import settings

    home, cat = open_home(args)
    rows = settings.rows(home, cat)
    if args.json:
        print_json({"settings": [r.as_json() for r in rows]})
        return 0
    heading = None
    for r in rows:
        if r.group != heading:
            heading = r.group
            print(f"【{heading}】")
        mark = "  【待填写】" if r.placeholder else ""
        print(f"  {r.key}\t{r.label}：{r.value or '（未填写）'}\t（{r.source}）{mark}")
    holes = [r for r in rows if r.placeholder]
    if holes:
        print(f"有 {len(holes)} 项待填写，文书中将显示【待填写】/ {len(holes)} settings still at the defaults")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from archiver import settings

    home, cat = open_home(args)
    change = settings.set_value(home, cat, args.key, args.value, cli_user())
    if args.json:
        print_json(change.as_json())
        return 0
    print(f"已修改 {change.label}：{change.before or '空'} → {change.after or '空'} / setting changed")
    return 0


def cmd_settings_history(args: argparse.Namespace) -> int:
    from archiver import settings

    home, cat = open_home(args)
    changes = settings.history(cat)
    if args.json:
        print_json({"changes": changes})
        return 0
    for ch in changes:
        print(f"{ch['at'][:19].replace('T', ' ')}\t{ch['user']}\t{ch['what']}：{ch['before'] or '空'} → "
              f"{ch['after'] or '空'}")
    print(f"共 {len(changes)} 条设置变更记录 / {len(changes)} changes")
    return 0
