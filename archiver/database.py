"""Which database server holds a home's catalog: naming it at `init` (HOME/database.toml).

Why a file in the home and not a setting in the catalog: the catalog cannot say where it is itself, and
every process of a cluster (web servers, watcher, workers) opens the same home on shared storage.
"""

from __future__ import annotations

from pathlib import Path

from archiver.catalog import dialect
from archiver.errors import UserError
from archiver.home import Home


def check_url(url: str) -> str:
    """A postgresql:// address without a password (one on a command line is in every process list)."""
    if not dialect.is_server(url):
        raise UserError(f"数据库地址须以 postgresql:// 开头：{dialect.redact(url)} / the database URL must be postgresql://…")
    auth = url.split("://", 1)[1].rpartition("@")[0]
    if ":" in auth:
        raise UserError("数据库地址中不能写密码：请用 --password-file、环境变量 PGPASSWORD 或 ~/.pgpass / "
                        "no password in the URL: use --password-file, PGPASSWORD or ~/.pgpass")
    return url


def name_server(home: Home, url: str | None, password_file: str | None) -> None:
    """Write HOME/database.toml; refuse to point a home that already has a catalog somewhere else."""
    current = home.catalog
    if url:
        check_url(url)
        if home.catalog_path.exists() or (isinstance(current, str) and current != url):
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
