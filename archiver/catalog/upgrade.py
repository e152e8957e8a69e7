"""Schema upgrades that an office can trust: announced, preceded by a copy of the catalog, one transaction
per migration (re-checked inside it, so a `serve` and a `watch` starting together never apply one twice),
and never run by a program older than the catalog it finds."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

from archiver.errors import UserError

from . import dialect, placefold, snapshot
from .schema import LATEST, MIGRATIONS

log = logging.getLogger("dibao.catalog")
KEEP = 5  # pre-upgrade copies kept in HOME/backups (older ones are in the daily backups)


class CatalogTooNew(UserError, ValueError):
    """The catalog was written by a newer dibao: running older code on it could damage it."""


def backup_folder(catalog_path: Path) -> Path:
    return catalog_path.parent / "backups"


def migrate(db: Any, path: Path | str) -> Path | None:
    """Apply pending migrations to the open catalog `db` at `path`; the pre-upgrade copy's path, if one was made.
    A PostgreSQL catalog is copied by its own tools before an upgrade (`dibao backup`, pg_dump): not here."""
    current = dialect.schema_version(db)
    where = dialect.redact(path) if isinstance(path, str) else path
    if current > LATEST:
        raise CatalogTooNew(
            f"档案库 {where} 的数据结构版本为 v{current}，比本程序支持的 v{LATEST} 新：请升级 dibao 后再使用，"
            f"不要用旧版本打开 / the catalog (schema v{current}) is newer than this dibao (v{LATEST}); upgrade dibao")
    todo = [(v, sql) for v, sql in MIGRATIONS if v > current]
    if not todo:
        return None
    copy = None
    if current > 0 and isinstance(path, Path):  # a catalog with records: keep what it was before touching it
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        copy = backup_folder(path) / f"catalog-v{current}-{stamp}.sqlite"
        snapshot.copy_database(path, copy)
        for old in sorted(backup_folder(path).glob("catalog-v*.sqlite"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
            old.unlink()
        _announce(f"升级档案库数据结构 v{current} → v{LATEST}（{len(todo)} 步），升级前的目录已备份到 {copy} / "
                  f"upgrading the catalog schema v{current} → v{LATEST}; a copy of it was saved first")
    elif current > 0:  # on PostgreSQL: the office's own dump (or `dibao backup`) is the copy before an upgrade
        _announce(f"升级档案库数据结构 v{current} → v{LATEST}（{len(todo)} 步，数据库 {where}；每步一个事务）/ "
                  f"upgrading the catalog schema v{current} → v{LATEST} on the database server, one transaction a step")
    for version, sql in todo:
        db.execute("BEGIN IMMEDIATE")
        try:
            if dialect.schema_version(db) < version:  # another process may have done it
                dialect.run_migration(db, version, sql)
                placefold.after_migration(db, version)
                dialect.set_schema_version(db, version)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        if current > 0:
            _announce(f"  已应用迁移 {version:04d} / migration {version:04d} applied")
    return copy


def _announce(text: str) -> None:
    log.warning(text)
    print(text, file=sys.stderr, flush=True)
