"""Users of the web interface: memory-hard password hashes (argon2), lock-out after repeated failures,
sessions stored hashed, and the area (属地管理) each user may see as a catalog Scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from archiver.catalog import Catalog, Scope

ROLES = ("county", "township", "village")
MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_HOURS = 8
_hasher = PasswordHasher()


class LoginRefused(Exception):
    pass


def add(cat: Catalog, name: str, password: str, role: str, area: str) -> int:
    if role not in ROLES:
        raise ValueError(f"角色应为 {'/'.join(ROLES)} / role must be one of {ROLES}")
    if role != "county" and not area:
        raise ValueError("乡镇或村级用户必须指定 --area / township and village users need an area")
    if len(password) < 8:
        raise ValueError("密码至少8位 / password must have at least 8 characters")
    if cat.user(name) is not None:
        raise ValueError(f"用户已存在：{name} / user exists")
    with cat.transaction():
        uid = cat.add_user(name, _hasher.hash(password), role, area if role != "county" else "")
        cat.audit("cli", "user.add", name, f"role={role} area={area}")
    return uid


def set_password(cat: Catalog, name: str, password: str) -> None:
    row = cat.user(name)
    if row is None:
        raise ValueError(f"没有该用户：{name} / no such user")
    if len(password) < 8:
        raise ValueError("密码至少8位 / password must have at least 8 characters")
    with cat.transaction():
        cat.update_user(int(row["id"]), password_hash=_hasher.hash(password), failed_logins=0, locked_until=None)
        cat.audit("cli", "user.password", name)


def login(cat: Catalog, name: str, password: str, remote: str) -> tuple[str, str]:
    """(session token, csrf token). Every attempt is audited (committed before any refusal is raised);
    after MAX_FAILURES wrong passwords the account is locked for LOCK_MINUTES."""
    row = _verified(cat, name, password, remote, "login")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = (dt.datetime.now() + dt.timedelta(hours=SESSION_HOURS)).isoformat()
    with cat.transaction():
        cat.add_session(token_hash(token), int(row["id"]), csrf, expires)
        cat.audit(name, "login", "", "", remote)
    return token, csrf


def change_password(cat: Catalog, name: str, current: str, new: str, remote: str) -> None:
    """A user changing their own password: the current one is checked like a login (wrong guesses
    count towards the lock-out, so this form cannot be used to try passwords)."""
    if len(new) < 8:
        raise LoginRefused("新密码至少8位 / the new password needs at least 8 characters")
    row = _verified(cat, name, current, remote, "password")
    with cat.transaction():
        cat.update_user(int(row["id"]), password_hash=_hasher.hash(new))
        cat.audit(name, "password.change", name, "", remote)


def _verified(cat: Catalog, name: str, password: str, remote: str, action: str) -> sqlite3.Row:
    now = dt.datetime.now()
    row = cat.user(name)
    refusal = ""
    with cat.transaction():
        if row is None:
            cat.audit(name or "?", f"{action}.failed", "", "unknown user", remote)
            refusal = "用户名或密码错误 / wrong user or password"
        elif row["disabled"]:
            cat.audit(name, f"{action}.disabled", "", "", remote)
            refusal = "该账户已停用，请联系县民政局 / account disabled"
        elif row["locked_until"] and row["locked_until"] > now.isoformat():
            cat.audit(name, f"{action}.locked", "", "", remote)
            refusal = f"登录失败次数过多，账户已锁定至 {row['locked_until'][:16]} / account locked"
        else:
            try:
                _hasher.verify(row["password_hash"], password)
            except VerificationError:
                failures = int(row["failed_logins"]) + 1
                locked = (now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat() if failures >= MAX_FAILURES else None
                cat.update_user(int(row["id"]), failed_logins=0 if locked else failures, locked_until=locked)
                cat.audit(name, f"{action}.failed", "", f"failures={failures}", remote)
                refusal = "用户名或密码错误 / wrong user or password"
            else:
                cat.update_user(int(row["id"]), failed_logins=0, locked_until=None)
    if refusal or row is None:
        raise LoginRefused(refusal)
    return row


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scope_of(user: dict) -> Scope:
    if user["role"] == "township":
        return Scope(township=user["area"])
    if user["role"] == "village":
        return Scope(village=user["area"])
    return Scope()
