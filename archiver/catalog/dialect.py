"""Which database holds the catalog, and the few operations that differ between the two.

SQLite (a file in the home) is the embedded default: one county, one server, no setup. PostgreSQL (a
`postgresql://` address in the home's database.toml) is for a city on a cluster and for IT that backs up,
replicates and audits a server database with its own tools. Everything here is the only place that asks
which one it is; every other statement in the catalog runs unchanged on both (postgres.py translates).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from archiver.errors import UserError

SCHEMES = ("postgresql://", "postgres://")


class DatabaseUnreachable(UserError):
    """The PostgreSQL server named in the home's database.toml cannot be reached or refuses the login."""


def is_server(target: Path | str) -> bool:
    return isinstance(target, str) and target.startswith(SCHEMES)


def connect(target: Path | str, password: str | None = None) -> Any:
    """An open connection to the catalog at `target` (a file path or a postgresql:// address)."""
    if is_server(target):
        return _connect_server(str(target), password)
    db = sqlite3.connect(str(target), isolation_level=None, timeout=30, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _connect_server(url: str, password: str | None) -> Any:
    try:
        import psycopg

        from . import postgres
    except ImportError as exc:  # the cluster extra is not installed
        raise DatabaseUnreachable("本机未安装 PostgreSQL 驱动（psycopg），请按 docs/deploy.md 安装集群组件 / "
                                  f"the PostgreSQL driver is not installed: {exc}") from exc
    try:
        return postgres.Connection(url, password)
    except psycopg.OperationalError as exc:
        raise DatabaseUnreachable(f"无法连接档案库数据库 {redact(url)}：{_first_line(exc)} / "
                                  f"cannot reach the catalog database {redact(url)}") from exc


def redact(url: str) -> str:
    """The address without a password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    auth, _, host = rest.rpartition("@")
    return f"{scheme}://{auth.split(':', 1)[0]}@{host}"


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def kind(db: Any) -> str:
    return getattr(db, "kind", "sqlite")


def schema_version(db: Any) -> int:
    if kind(db) == "sqlite":
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    from .postgres import VERSION_TABLE

    row = db.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
    return int(row[0] or 0)


def set_schema_version(db: Any, version: int) -> None:
    if kind(db) == "sqlite":
        db.execute(f"PRAGMA user_version={int(version)}")
        return
    from .postgres import VERSION_TABLE

    db.execute(f"DELETE FROM {VERSION_TABLE}")
    db.execute(f"INSERT INTO {VERSION_TABLE}(version) VALUES (?)", (int(version),))


def run_migration(db: Any, version: int, sql: str) -> None:
    """One migration's statements; on PostgreSQL its own text where one exists (migrations/postgresql/), else
    the SQLite text in PostgreSQL's column types."""
    if kind(db) == "sqlite":
        for statement in sql.split(";\n"):
            if statement.strip():
                db.execute(statement)
        return
    own = sorted((Path(__file__).with_name("migrations") / "postgresql").glob(f"{version:04d}_*.sql"))
    text = own[0].read_text(encoding="utf-8") if own else sql
    for statement in text.split(";\n"):
        if _code(statement):
            db.run_ddl(_code(statement))


def _code(statement: str) -> str:
    """The statement without its comments (a migration's comments hold apostrophes: "the uploader's")."""
    return re.sub(r"--[^\n]*", "", statement).strip()


def integrity_problems(db: Any) -> list[str]:
    """SQLite's own page and foreign-key checks; PostgreSQL enforces both on every write and reports nothing."""
    if kind(db) != "sqlite":
        return []
    out = []
    res = db.execute("PRAGMA integrity_check").fetchone()[0]
    if res != "ok":
        out.append(f"数据库完整性检查失败 / integrity_check: {res}")
    for row in db.execute("PRAGMA foreign_key_check"):
        out.append(f"外键不一致 / foreign key violation in {row[0]} rowid {row[1]}")
    return out
