"""`dibao migrate-database`: move a home's catalog from its SQLite file onto a PostgreSQL server (issue 28)."""

from __future__ import annotations

import argparse
import sys

from .context import Subcommands, command, print_json


def build(sub: Subcommands) -> None:
    sp = command(sub, "migrate-database", cmd_migrate_database,
                 "把档案库目录从 SQLite 迁到 PostgreSQL，并核对行数、内容和检索结果一致 / move the catalog to PostgreSQL "
                 "and prove it arrived whole")
    sp.add_argument("--to", required=True, metavar="URL",
                    help="目标数据库（空库）：postgresql://用户@主机:端口/库名，地址中不写密码 / the empty target database")
    sp.add_argument("--password-file", metavar="FILE",
                    help="数据库密码所在文件（也可用环境变量 PGPASSWORD 或 ~/.pgpass）/ file holding the database password")
    sp.add_argument("--json", action="store_true", help="JSON输出 / JSON")
    sp.add_argument("--quiet", action="store_true", help="不显示进度 / no progress")


def cmd_migrate_database(args: argparse.Namespace) -> int:
    """Refusals (a home already on a server, a target with rows, a difference after the copy) exit 2 and leave
    the home on its SQLite catalog."""
    from archiver.database import move_to_server
    from archiver.home import resolve

    def progress(table: str, done: int, total: int) -> None:
        if not args.quiet and (done == total or done % 50000 == 0):
            print(f"  {table}: {done}/{total}", file=sys.stderr, flush=True)

    result = move_to_server(resolve(args.home), args.to, args.password_file, progress)
    if args.json:
        print_json(result)
    else:
        rows = result["rows"]
        print(f"已迁移到 {result['database']}：{len(rows)} 张表，共 {sum(rows.values())} 行，"
              f"{result['households']} 户；行数、内容摘要和 {result['search_probes']} 个检索核对一致。"
              f"原 SQLite 目录保留为 {result['kept']} / moved and verified")
    return 0
