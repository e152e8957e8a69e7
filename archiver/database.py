"""Which database server holds a home's catalog: naming it at `init` (HOME/database.toml), moving it there.

Why a file in the home and not a setting in the catalog: the catalog cannot say where it is itself, and
every process of a cluster (web servers, watcher, workers) opens the same home on shared storage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archiver.catalog import Catalog, dialect, snapshot, transfer
from archiver.errors import UserError
from archiver.home import Home, password_from


def check_url(url: str) -> str:
    """A postgresql:// address without a password (one on a command line is in every process list)."""
    if not dialect.is_server(url):
        raise UserError(f"数据库地址须以 postgresql:// 开头：{dialect.redact(url)} / the database URL must be postgresql://…")
    auth = url.split("://", 1)[1].rpartition("@")[0]
    if ":" in auth:
        raise UserError("数据库地址中不能写密码：请用 --password-file、环境变量 PGPASSWORD 或 ~/.pgpass / "
                        "no password in the URL: use --password-file, PGPASSWORD or ~/.pgpass")
    return url


def name_server(home: Home, url: str | None, password_file: str | None, moving: bool = False) -> None:
    """Write HOME/database.toml; refuse to point a home that already has a catalog somewhere else (unless
    `moving` it there, which proved the copy first)."""
    current = home.catalog
    if url:
        check_url(url)
        if not moving and (home.catalog_path.exists() or (isinstance(current, str) and current != url)):
            raise UserError(f"档案库 {home.root} 已有目录（{dialect.redact(str(current))}），不能改到另一个数据库；"
                            "迁移请用 dibao migrate-database / this home already has a catalog; use migrate-database")
    elif not isinstance(current, str):
        raise UserError("--password-file 需与 --database 一起使用 / --password-file needs --database")
    target = url or str(current)
    lines = ["# 档案库目录所在的数据库（dibao init --database 写入）/ where this home's catalog lives", "[database]",
             f'url = "{target}"']
    if password_file:
        path = Path(password_file).absolute()
        if not path.is_file():
            raise UserError(f"密码文件不存在：{path} / no such password file")
        lines.append(f'password_file = "{path}"')
    home.root.mkdir(parents=True, exist_ok=True)
    home.database_config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _proof(home: Home, cat: Catalog, names: list[str]) -> dict[str, Any]:
    """What must be the same after the move: rows per table, the households' and documents' content, and
    what searching a few heads' names finds (the index under the home is kept, ids and all)."""
    from archiver import index

    idx = index.open_index(home)
    probes = {name: [h.household.id for h in idx.search(cat, name, limit=20).results]
              for name, _ in cat.probe_names()}
    return {"counts": transfer.counts(cat.db, names), "digest": cat.content_digest(), "search": probes}


def move_to_server(home: Home, url: str, password_file: str | None,
                   progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """Move the home's SQLite catalog onto an empty PostgreSQL database and prove it arrived whole: the same
    rows per table, content digest and search answers. The SQLite file holds the write lock
    the whole time (a `serve` or `watch` left running waits, then fails; it cannot write into the old copy)
    and is kept, renamed, beside the new database.toml."""
    home.require()
    if isinstance(home.catalog, str):
        raise UserError(f"档案库目录已在数据库服务器上：{dialect.redact(home.catalog)} / the catalog is already on a server")
    check_url(url)
    password = password_from(password_file) if password_file else None
    src = Catalog.of(home)  # brings the SQLite catalog to this program's schema first
    names = transfer.tables(src.db)
    lock = transfer.sqlite_rows(str(home.catalog_path), write_lock=True)
    try:
        before = _proof(home, src, names)
        dst = Catalog(url, password)
        try:
            if any(transfer.counts(dst.db, names).values()):
                raise UserError(f"目标数据库不是空的：{dialect.redact(url)}，为免覆盖已有数据，迁移已停止 / "
                                "the target database is not empty")
            copied = transfer.copy_all(lock, dst.db, progress)
            after = _proof(home, dst, names)
        finally:
            dst.close()
        if after != before:
            wrong = sorted(k for k in before if before[k] != after[k])
            raise UserError(f"迁移后核对不一致（{', '.join(wrong)}），档案库仍使用原 SQLite 目录 / "
                            "the moved catalog differs; the home still uses its SQLite catalog")
        name_server(home, url, password_file, moving=True)
    finally:
        lock.close()
        src.close()
    # the old file, kept whole: its WAL folded in before it is renamed (a -wal left behind would be lost)
    snapshot.make_self_contained(home.catalog_path)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    kept = home.root / f"catalog-before-postgresql-{stamp}.sqlite"
    home.catalog_path.rename(kept)
    for side in ("-wal", "-shm"):
        Path(f"{home.catalog_path}{side}").unlink(missing_ok=True)
    return {"database": dialect.redact(url), "rows": copied, "kept": kept.name,
            "households": before["counts"]["households"], "search_probes": len(before["search"])}
