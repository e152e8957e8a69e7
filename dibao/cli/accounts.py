"""Web users and what they did: `dibao user add|passwd|list|disable|enable|set` (roles 县/乡镇/村 and their
areas, dibao/users.py and dibao/useradmin.py) and `dibao audit` (the log of logins, views and exports)."""

from __future__ import annotations

import argparse
import sys

from .. import users
from ..errors import UsageError
from ..useradmin import listing, normalise_role, role_label, set_disabled, update
from .context import Subcommands, cli_user, command, group, open_home, print_json

ROLE_HELP = "县/乡镇/村（或 county/township/village）/ role"


def build(sub: Subcommands) -> None:
    usub = group(sub, "user", "网页用户 / web users")
    sp = command(usub, "add", cmd_user_add, "新增用户 / add a user")
    sp.add_argument("name", help="用户名 / user name")
    sp.add_argument("--role", required=True, help=ROLE_HELP)
    sp.add_argument("--area", default="", help="乡镇或村名（县级可省略）/ township or village")
    sp.add_argument("--password", help="密码（不给则从环境变量 DIBAO_PASSWORD 或终端读取）/ password")
    sp = command(usub, "passwd", cmd_user_passwd, "重置密码 / reset a password")
    sp.add_argument("name", help="用户名 / user name")
    sp.add_argument("--password", help="新密码（不给则从 DIBAO_PASSWORD 或终端读取）/ new password")
    sp = command(usub, "list", cmd_user_list, "列出用户（角色、辖区、是否停用）/ list users")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = command(usub, "disable", cmd_user_disable, "停用用户，其已登录的会话立即失效 / disable a user (sessions end at once)")
    sp.add_argument("name", help="用户名 / user name")
    sp = command(usub, "enable", cmd_user_enable, "重新启用用户 / enable a user")
    sp.add_argument("name", help="用户名 / user name")
    sp = command(usub, "set", cmd_user_set, "修改用户角色或辖区 / change a user's role or area")
    sp.add_argument("name", help="用户名 / user name")
    sp.add_argument("--role", help=ROLE_HELP)
    sp.add_argument("--area", help="乡镇，或 乡镇/村 / township, or township/village")

    sp = command(sub, "audit", cmd_audit, "查看审计日志：登录、查看、导出 / read the audit log")
    sp.add_argument("--user", help="只看某用户 / one user")
    sp.add_argument("--since", help="起始日期 YYYY-MM-DD / from this date")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")


def _password(given: str | None) -> str:
    import getpass
    import os

    found = given or os.environ.get("DIBAO_PASSWORD")
    if found:
        return found
    if not sys.stdin.isatty():  # a script or a pipe: getpass would wait on nothing or read the wrong line
        raise UsageError("没有终端可以输入密码：请加 --password 密码，或设置环境变量 DIBAO_PASSWORD / "
                         "no terminal to type a password: give --password or set DIBAO_PASSWORD")
    return getpass.getpass("密码 / password: ")


def cmd_user_add(args: argparse.Namespace) -> int:
    role = normalise_role(args.role)  # 县/乡镇/村 as well as county/township/village
    home, cat = open_home(args)
    users.add(cat, args.name, _password(args.password), role, args.area, cli_user())
    print(f"已添加用户 {args.name}（{users.ROLE_NAMES.get(role, role)} {args.area or '全县'}）/ user added")
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    home, cat = open_home(args)
    users.set_password(cat, args.name, _password(args.password), cli_user())
    print(f"已重置 {args.name} 的密码 / password reset")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    home, cat = open_home(args)
    rows = listing(cat)
    if args.json:
        print_json({"users": [{k: r[k] for k in ("name", "role", "area", "disabled", "role_label")} for r in rows]})
        return 0
    for r in rows:
        print(f"{r['name']}\t{r['role_label']}\t{r['area'] or '全县'}\t{'已停用' if r['disabled'] else '正常'}")
    print(f"共 {len(rows)} 个用户 / {len(rows)} users")
    return 0


def _toggle(args: argparse.Namespace, disabled: bool) -> int:
    home, cat = open_home(args)
    set_disabled(cat, args.name, disabled, cli_user())
    print(f"已{'停用' if disabled else '启用'}用户 {args.name} / user {'disabled' if disabled else 'enabled'}")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    return _toggle(args, True)


def cmd_user_enable(args: argparse.Namespace) -> int:
    return _toggle(args, False)


def cmd_user_set(args: argparse.Namespace) -> int:
    home, cat = open_home(args)
    if args.role is None and args.area is None:
        raise UsageError("请给出 --role 或 --area / nothing to change")
    res = update(cat, args.name, cli_user(), args.role, args.area)
    print(f"用户 {res['name']}：{role_label(res['role'])} {res['area'] or '全县'} / user updated")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    home, cat = open_home(args)
    rows = cat.audit_rows(args.user, args.since)
    if args.json:
        print_json({"entries": [dict(r) for r in rows]})
        return 0
    for r in rows:
        print(f"{r['at']}\t{r['user']}\t{r['action']}\t{r['target'] or ''}\t{r['detail'] or ''}\t{r['remote'] or ''}")
    print(f"共 {len(rows)} 条 / {len(rows)} entries")
    return 0
