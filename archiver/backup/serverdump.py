"""The catalog's part of a backup when it lives on PostgreSQL: pg_dump into the snapshot, pg_restore out of it.

Why pg_dump and not our own COPY files: it is the format the database's own administrators restore, audit and
keep, and pg_restore checks the archive as it reads it. The dump is taken while this backup holds the
catalog's write lock (dibao's writers wait; readers and the web pages do not), and the counts, digests,
search probes and referenced files the manifest records are read inside that same lock, so the manifest
describes exactly the dumped state.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archiver.catalog import Catalog, dialect
from archiver.home import Home

from .snapshots import BackupError, BackupRefused

DUMP = "catalog.pgdump"
TIMEOUT = 6 * 3600  # a county's catalog dumps in minutes; never wait for ever on a hung server


def _tool(name: str) -> str:
    """pg_dump/pg_restore from PATH, else Debian's newest postgresql-client (never on PATH by default)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise BackupRefused(f"未找到 {name}：请安装 postgresql-client（install-debian.sh --cluster）/ {name} not found")


def _env(password: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password  # libpq reads it; never on the command line (every user sees that)
    return env


@contextmanager
def held(home: Home) -> Iterator[Catalog]:
    """The home's PostgreSQL catalog with its write lock held: no dibao process writes until this ends."""
    cat = Catalog.of(home)
    try:
        with cat.db.transaction_block():
            yield cat
    finally:
        cat.close()


def dump(home: Home, cat: Catalog, target: Path) -> None:
    """pg_dump (custom format, compressed) of the catalog `cat` (its lock held by the caller) to `target`."""
    url = str(home.catalog)
    r = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target),
                        "--dbname", url], capture_output=True, text=True, timeout=TIMEOUT,
                       env=_env(home.catalog_password()))
    if r.returncode != 0:
        raise BackupError(f"pg_dump 失败（{dialect.redact(url)}）：{_last(r.stderr)} / pg_dump failed")


def readable(target: Path) -> str:
    """'ok' when pg_restore can read the archive's table of contents, else why not."""
    r = subprocess.run([_tool("pg_restore"), "--list", str(target)], capture_output=True, text=True, timeout=600)
    return "ok" if r.returncode == 0 and "TABLE DATA" in r.stdout else _last(r.stderr) or "no table data"


def load(home: Home, source: Path, password: str | None) -> None:
    """pg_restore the dump into the (empty) database the restored home's database.toml names."""
    from archiver.catalog import postgres  # the cluster extra: imported only where a catalog is on a server

    url = str(home.catalog)
    if not postgres.empty_database(url, password):
        raise BackupRefused(f"恢复目标数据库不是空的：{dialect.redact(url)} / the target database is not empty")
    r = subprocess.run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                        "--dbname", url, str(source)], capture_output=True, text=True, timeout=TIMEOUT,
                       env=_env(password))
    if r.returncode != 0:
        raise BackupError(f"pg_restore 失败（{dialect.redact(url)}）：{_last(r.stderr)} / pg_restore failed")


def _last(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
