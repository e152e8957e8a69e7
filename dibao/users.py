"""Users of the web interface: memory-hard password hashes (argon2), lock-out after repeated failures,
sessions stored hashed, and the area (属地管理) each user may see as a catalog Scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from archiver.catalog import Catalog, Row, Scope, areas
from archiver.errors import UserError, UserValueError

ROLES = ("county", "township", "village")
ROLE_NAMES = {"county": "县", "township": "乡镇", "village": "村"}
MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_HOURS = 8
_hasher = PasswordHasher()


class LoginRefused(UserError):
    pass


def resolve_area(cat: Catalog, role: str, area: str) -> str:
    """The area a user of `role` is given, as stored: "" for the county, the township's name, or a village's
    whole path `乡镇/村`. A bare village name is taken only when exactly one township has it; otherwise
    refused with the matches listed (AreaProblem, a ValueError). `user add` and `user set` both call this."""
    area = (area or "").strip()
    if role == "county":
        return ""
    if not area:
        raise UserValueError("乡镇或村级用户必须指定 --area / township and village users need an area")
    if role == "township":
        names = cat.area_names()
        if areas.SEP in area:
            raise areas.AreaProblem(f"乡镇级用户的地区应为乡镇名：{area} / a township user's area is a township")
        if area not in names and any(area in vs for vs in names.values()):
            raise areas.AreaProblem(f"“{area}”是村（社区）名，不是乡镇名 / that is a village, not a township")
        return area
    scope = areas.resolve(cat, area, village_only=True, must_exist=False)
    return areas.path(scope.township or "", scope.village or "")


def add(cat: Catalog, name: str, password: str, role: str, area: str, by: str = "cli", remote: str = "") -> int:
    if role not in ROLES:
        raise UserValueError(f"角色应为 {'/'.join(ROLES)} / role must be one of {ROLES}")
    if not valid_name(name):
        raise UserValueError("用户名只能由汉字、字母和数字组成（不含空格、/、.、<> 等符号），最多40字 / "
                             "a user name is letters, digits and Chinese characters only, at most 40")
    area = resolve_area(cat, role, area)
    if len(password) < 8:
        raise UserValueError("密码至少8位 / password must have at least 8 characters")
    if cat.user(name) is not None:
        raise UserValueError(f"用户已存在：{name} / user exists")
    with cat.transaction():
        uid = cat.add_user(name, _hasher.hash(password), role, area)
        cat.add_change(by, "新增账户", None, f"{ROLE_NAMES[role]} {area or '全县'}", account=name)
        cat.audit(by, "user.add", name, f"{ROLE_NAMES[role]} {area or '全县'}", remote)
    return uid


def valid_name(name: str) -> bool:
    """Letters, digits and Chinese characters only: a name is a folder (uploads), an audit entry and a URL part,
    so `a/b`, `../县管理员` or `<b>x</b>` could never be managed or shown safely."""
    return 0 < len(name) <= 40 and all(ch.isalnum() for ch in name)


def set_password(cat: Catalog, name: str, password: str, by: str = "cli", remote: str = "") -> None:
    """A password reset by an administrator; the trail says it was reset, never what to."""
    row = cat.user(name)
    if row is None:
        raise UserValueError(f"没有该用户：{name} / no such user")
    if len(password) < 8:
        raise UserValueError("密码至少8位 / password must have at least 8 characters")
    with cat.transaction():
        cat.update_user(int(row["id"]), password_hash=_hasher.hash(password), failed_logins=0, locked_until=None)
        cat.delete_sessions(int(row["id"]))  # whoever was logged in with the old password is logged out
        cat.add_change(by, "重置密码", None, "已重置", account=name)
        cat.audit(by, "user.password", name, "", remote)


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


def change_password(cat: Catalog, name: str, current: str, new: str, remote: str, keep_session: str = "") -> None:
    """A user changing their own password: the current one is checked like a login (wrong guesses
    count towards the lock-out, so this form cannot be used to try passwords). Every other session of
    the user ends (a stolen session does not outlive the change); `keep_session` is the current token's hash."""
    if len(new) < 8:
        raise LoginRefused("新密码至少8位 / the new password needs at least 8 characters")
    row = _verified(cat, name, current, remote, "password")
    with cat.transaction():
        cat.update_user(int(row["id"]), password_hash=_hasher.hash(new))
        cat.delete_sessions(int(row["id"]), keep=keep_session or None)
        cat.add_change(name, "修改密码", None, "本人修改", account=name)
        cat.audit(name, "password.change", name, "", remote)


WRONG = (f"用户名或密码错误（连续输错{MAX_FAILURES}次，账户锁定{LOCK_MINUTES}分钟）/ "
         f"wrong user or password ({MAX_FAILURES} failures lock the account for {LOCK_MINUTES} minutes)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_dummy_hash: list[str] = []


def typed_name(name: str) -> str:
    """A name as typed at the login form, fit for the audit log's detail: control characters shown
    escaped, cut short — it is never written as the entry's user (who would then be forged)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name or "")[:60]


def _verified(cat: Catalog, name: str, password: str, remote: str, action: str) -> Row:
    """Check a password with the lock-out counted exactly under parallel guessing: the attempt is booked
    (failure count read, raised and, at MAX_FAILURES, the lock set) in one write transaction before the
    slow hash check, so of any number of simultaneous guesses at most MAX_FAILURES are ever checked.
    A right password then clears the count. An unknown name costs the same hash check as a known one."""
    now = dt.datetime.now()
    disabled = locked = False
    with cat.transaction():
        row = cat.user(name)
        if row is None:
            cat.audit("?", f"{action}.failed", "", f"unknown user: {typed_name(name)}", remote)
        elif row["disabled"]:
            cat.audit(name, f"{action}.disabled", "", "", remote)
            disabled = True
        elif row["locked_until"] and row["locked_until"] > now.isoformat():
            cat.audit(name, f"{action}.locked", "", "", remote)
            locked = True
        else:
            failures = (0 if row["locked_until"] else int(row["failed_logins"])) + 1  # an expired lock starts afresh
            locked_until = (now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat() if failures >= MAX_FAILURES else None
            cat.update_user(int(row["id"]), failed_logins=failures, locked_until=locked_until)
    if row is None or locked:
        # a locked account answers as an unknown name does (same words, same time): the answer does not tell
        # who exists, and the password is not checked, so the lock cannot be used as an oracle
        _spend_like_a_check(password)
        raise LoginRefused(WRONG)
    if disabled:  # only its holder, who typed the right password, learns that the account was switched off
        try:
            _hasher.verify(row["password_hash"], password)
        except VerificationError:
            raise LoginRefused(WRONG) from None
        raise LoginRefused("该账户已停用，请联系县民政局 / account disabled")
    try:
        _hasher.verify(row["password_hash"], password)
    except VerificationError:
        with cat.transaction():
            cat.audit(name, f"{action}.failed", "", f"failures={failures}", remote)
        raise LoginRefused(WRONG) from None
    with cat.transaction():
        cat.update_user(int(row["id"]), failed_logins=0, locked_until=None)
    return row


def _spend_like_a_check(password: str) -> None:
    """As long as a real check, so that the answer's timing does not tell whether a user exists."""
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash(secrets.token_urlsafe(16)))
    try:
        _hasher.verify(_dummy_hash[0], password)
    except VerificationError:
        pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scope_of(user: dict, cat: Catalog | None = None) -> Scope:
    """The user's area as a catalog Scope. A village is township + village; an account created before
    areas had paths (a bare village name) is resolved while only one township has that village, and
    sees nothing once two do — never the union of both."""
    return areas.of_user(str(user["role"]), str(user["area"] or ""), cat)
