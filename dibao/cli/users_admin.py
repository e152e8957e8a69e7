"""`dibao user list/disable/enable/set`, and Chinese role names for `user add` (县/乡镇/村)."""

from __future__ import annotations

import argparse
from typing import Any


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    from .corrections import subparsers_of

    usub = subparsers_of(sub.choices["user"])
    user_add = usub.choices.get("add")
    if user_add is not None:  # accept 县/乡镇/村 too: the role is normalised before the original command runs
        for action in user_add._actions:
            if action.dest == "role":
                action.choices = None
                action.help = "县/乡镇/村（或 county/township/village）/ role"
        original = user_add.get_default("func")
        user_add.set_defaults(func=lambda a: original(_with_role(a)))

    sp = add("list", cmd_user_list, "列出用户（角色、辖区、是否停用）/ list users", usub)
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp = add("disable", cmd_user_disable, "停用用户，其已登录的会话立即失效 / disable a user (sessions end at once)", usub)
    sp.add_argument("name", help="用户名 / user name")
    sp = add("enable", cmd_user_enable, "重新启用用户 / enable a user", usub)
    sp.add_argument("name", help="用户名 / user name")
    sp = add("set", cmd_user_set, "修改用户角色或辖区 / change a user's role or area", usub)
    sp.add_argument("name", help="用户名 / user name")
    sp.add_argument("--role", help="县/乡镇/村（或 county/township/village）/ role")
    sp.add_argument("--area", help="乡镇，或 乡镇/村 / township, or township/village")


def _with_role(args: argparse.Namespace) -> argparse.Namespace:
    from ..errors import UsageError
    from ..useradmin import normalise_role

    try:
        args.role = normalise_role(args.role)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return args


def cmd_user_list(args: argparse.Namespace) -> int:
    from ..useradmin import listing
    from . import _open, _print_json

    home, cat = _open(args)
    rows = listing(cat)
    if args.json:
        _print_json({"users": [{k: r[k] for k in ("name", "role", "area", "disabled", "role_label")} for r in rows]})
        return 0
    for r in rows:
        print(f"{r['name']}\t{r['role_label']}\t{r['area'] or '全县'}\t{'已停用' if r['disabled'] else '正常'}")
    print(f"共 {len(rows)} 个用户 / {len(rows)} users")
    return 0


def _toggle(args: argparse.Namespace, disabled: bool) -> int:
    from ..errors import UsageError
    from ..useradmin import set_disabled
    from . import _open, _user

    home, cat = _open(args)
    try:
        set_disabled(cat, args.name, disabled, _user())
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(f"已{'停用' if disabled else '启用'}用户 {args.name} / user {'disabled' if disabled else 'enabled'}")
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    return _toggle(args, True)


def cmd_user_enable(args: argparse.Namespace) -> int:
    return _toggle(args, False)


def cmd_user_set(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..useradmin import role_label, update
    from . import _open, _user

    home, cat = _open(args)
    if args.role is None and args.area is None:
        raise UsageError("请给出 --role 或 --area / nothing to change")
    try:
        res = update(cat, args.name, _user(), args.role, args.area)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(f"用户 {res['name']}：{role_label(res['role'])} {res['area'] or '全县'} / user updated")
    return 0
