"""User administration for the county office: list, disable (sessions end at once), enable, change role or
area. Roles are accepted and shown in Chinese (县/乡镇/村) as well as county/township/village."""

from __future__ import annotations

from typing import Any

from archiver.catalog import Catalog
from archiver.errors import UserValueError

from . import users

ROLE_NAMES = users.ROLE_NAMES
_ALIASES = {"县": "county", "县级": "county", "区": "county", "乡镇": "township", "乡": "township", "镇": "township",
            "街道": "township", "乡镇级": "township", "村": "village", "社区": "village", "村级": "village",
            "村(社区)": "village"}


def normalise_role(value: str) -> str:
    v = (value or "").strip()
    role = v.lower() if v.lower() in ROLE_NAMES else _ALIASES.get(v)
    if role is None:
        raise UserValueError(f"角色应为 县/乡镇/村（county/township/village）：{value} / unknown role")
    return role


def role_label(role: str) -> str:
    return ROLE_NAMES.get(role, role)


def resolve_area(cat: Catalog, role: str, area: str) -> str:
    """The area stored for a user — the one resolver `user add` uses (乡镇, or 乡镇/村; a bare village name
    only when exactly one township has it)."""
    return users.resolve_area(cat, role, area)


def listing(cat: Catalog) -> list[dict[str, Any]]:
    return [{"name": r["name"], "role": r["role"], "role_label": role_label(r["role"]), "area": r["area"] or "",
             "disabled": bool(r["disabled"]), "locked_until": r["locked_until"], "created_at": r["created_at"]}
            for r in cat.users_full()]


def _row(cat: Catalog, name: str) -> Any:
    row = cat.user(name)
    if row is None:
        raise UserValueError(f"没有该用户：{name} / no such user")
    return row


def set_disabled(cat: Catalog, name: str, disabled: bool, by: str, remote: str = "") -> None:
    """Disabling ends every open session of the user in the same transaction."""
    row = _row(cat, name)
    if bool(row["disabled"]) == disabled:
        return
    with cat.transaction():
        cat.set_user_disabled(int(row["id"]), disabled)
        cat.add_change(by, "停用账户" if disabled else "启用账户", "启用" if disabled else "停用",
                       "停用" if disabled else "启用", account=name)
        cat.audit(by, "user.disable" if disabled else "user.enable", name, "", remote)


def update(cat: Catalog, name: str, by: str, role: str | None = None, area: str | None = None,
           remote: str = "") -> dict[str, Any]:
    """Change a user's role and/or area; their sessions end so the new area applies from the next click."""
    row = _row(cat, name)
    new_role = normalise_role(role) if role else row["role"]
    new_area = resolve_area(cat, new_role, area if area is not None else (row["area"] or ""))
    before = f"{role_label(row['role'])} {row['area'] or '全县'}"
    after = f"{role_label(new_role)} {new_area or '全县'}"
    if (new_role, new_area) != (row["role"], row["area"] or ""):
        with cat.transaction():
            cat.update_user(int(row["id"]), role=new_role, area=new_area)
            cat.end_sessions(int(row["id"]))
            cat.add_change(by, "角色和辖区", before, after, account=name)
            cat.audit(by, "user.set", name, f"{before} → {after}", remote)
    return {"name": name, "role": new_role, "area": new_area}
