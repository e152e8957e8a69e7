"""The users aggregate: staff accounts (role and area), their web sessions, and the audit trail every
write leaves (who, what, on which record).

A mixin of Catalog: every statement stays in archiver/catalog/ and callers keep one object.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..privacy import scrub
from .core import CatalogCore
from .models import now
from .rows import Row


class UsersMixin(CatalogCore):
    # ------------------------------------------------------------------ users and sessions (web)
    def user(self, name: str) -> Row | None:
        return self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()

    def users(self) -> list[Row]:
        return self.db.execute("SELECT id, name, role, area FROM users ORDER BY id").fetchall()

    def user_by_id(self, user_id: int) -> Row | None:
        return self.db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()

    def add_user(self, name: str, password_hash: str, role: str, area: str) -> int:
        return self._insert("users", {"name": name, "password_hash": password_hash, "role": role, "area": area,
                                      "created_at": now()}) or 0

    def update_user(self, user_id: int, **fields: Any) -> None:
        self._update("users", user_id, fields)

    def add_session(self, token_hash: str, user_id: int, csrf: str, expires_at: str) -> None:
        self._insert("sessions", {"token_hash": token_hash, "user_id": user_id, "csrf": csrf, "expires_at": expires_at})

    def session(self, token_hash: str) -> Row | None:
        return self.db.execute("SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? "
                               "AND s.expires_at > ? AND u.disabled = 0", (token_hash, now())).fetchone()

    def delete_session(self, token_hash: str) -> None:
        self.db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def delete_sessions(self, user_id: int, keep: str | None = None) -> None:
        """End every session of a user (but `keep`, the token hash of the one making the change)."""
        self.db.execute("DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?", (user_id, keep))

    # ------------------------------------------------------------------ audit
    def audit(self, user: str, action: str, target: str = "", detail: str = "", remote: str = "") -> None:
        """One entry per line whatever was typed: control characters (newlines) are stored escaped."""
        self._insert("audit", {"at": now(), "user": _one_line(user), "action": action, "target": _one_line(scrub(target)),
                               "detail": _one_line(scrub(detail)), "remote": _one_line(remote)})

    def audit_rows(self, user: str | None = None, since: str | None = None,
                   actions: Sequence[str] = ()) -> list[Row]:
        where, args = ["1=1"], []
        if actions:
            where.append(f"action IN ({','.join('?' * len(actions))})")
            args += list(actions)
        if user:
            where.append("user = ?")
            args.append(user)
        if since:
            where.append("at >= ?")
            args.append(since)
        return self.db.execute(f"SELECT * FROM audit WHERE {' AND '.join(where)} ORDER BY id", args).fetchall()

    # ------------------------------------------------------------------ accounts switched off
    def users_full(self) -> list[Row]:
        return self.db.execute("SELECT id, name, role, area, disabled, locked_until, created_at FROM users "
                               "ORDER BY id").fetchall()

    def set_user_disabled(self, user_id: int, disabled: bool) -> None:
        self.db.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user_id))
        if disabled:
            self.db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))

    def end_sessions(self, user_id: int) -> None:
        self.db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))


def _one_line(text: str | None) -> str:
    return "".join(c if c >= " " and c != "\x7f" else f"\\x{ord(c):02x}" for c in str(text or ""))
