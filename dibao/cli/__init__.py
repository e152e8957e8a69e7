"""The `dibao` command line: a thin layer over archiver/ and generators/ that parses, calls and prints.

One module per command group builds that group's parser (`build(sub)`); GROUPS below is their order in
`dibao --help`. main() is the one error boundary: a UserError is the user's mistake, said in Chinese with exit
code 2; anything else is a bug, logged. Exit codes: 0 ok; 1 ran but found problems; 2 usage error or unusable
input.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys

from archiver.errors import UserError
from archiver.filing import STORAGE_ERRNOS
from archiver.privacy import scrub

from . import (
    accounts,
    archive,
    argparse_zh,  # noqa: F401  (argparse's own words in Chinese, before any parser is built)
    backup,
    cases,
    cert,
    corrections,
    database,
    dossier,
    edge,
    household,
    imports,
    keys,
    objections,
    quarantine,
    registers,
    reports,
    reviews,
    search,
    serve,
    settings,
    worker,
)

GROUPS = (archive, household, quarantine, search, reports, dossier, reviews, serve, accounts, cases, cert,
          corrections, edge, imports, keys, objections, backup, database, registers, settings, worker)


def build_parser() -> argparse.ArgumentParser:
    from archiver.backup.snapshots import version

    p = argparse.ArgumentParser(prog="dibao", description="低保档案：低保档案归档、检索与文书生成 / dibao records archive")
    p.add_argument("--home", help="档案库目录（默认 $DIBAO_HOME 或 ./archive）/ archive home")
    p.add_argument("--version", action="version", version=f"dibao {version()}", help="显示版本号 / show the version")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in GROUPS:
        module.build(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    from .argdates import iso_dates

    parser = build_parser()
    args = parser.parse_args(iso_dates(sys.argv[1:] if argv is None else list(argv)))
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:  # the one boundary: the user's mistake, said as it is (HomeMissing, UsageError, …)
        print(scrub(str(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.errno not in STORAGE_ERRNOS:
            return _internal_error(argv)
        what = "磁盘空间已满" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "档案库不可写"
        print(f"{what}，操作未完成；请清理空间或检查权限后重试 / {exc.strerror}", file=sys.stderr)
        return 1
    except Exception:  # anything else is a bug, never the user's mistake: traceback to the log
        return _internal_error(argv)


def _internal_error(argv: list[str] | None) -> int:
    """Anything but a UserError is a bug, never the user's mistake: traceback to the log (the exception in flight)."""
    log = logging.getLogger("dibao")
    if log.handlers:
        log.exception("internal error in dibao %s", " ".join(scrub(a) for a in (argv or sys.argv[1:])))
        where = "详见日志 logs/dibao.log / see logs/dibao.log"
    else:
        import traceback

        traceback.print_exc()
        where = ""
    print(f"程序内部错误（不是您的操作问题），请将日志交给维护人员 / internal error {where}".rstrip(), file=sys.stderr)
    return 1
