"""What every command shares: the home and catalog it opens (and the scrubbed log that comes with them), the
user it acts as, its JSON output, the household or village it names, and the two helpers that add a command
or a command group to the parser. A command module imports these; none imports another command module's
privates."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable

from archiver.catalog import Catalog, Scope
from archiver.catalog.models import Household
from archiver.home import Home, resolve
from archiver.index_hook import follow
from archiver.privacy import mask_id, scrub

from ..errors import UsageError

Handler = Callable[[argparse.Namespace], int]
Subcommands = argparse._SubParsersAction


def command(parent: Subcommands, name: str, func: Handler, help_text: str) -> argparse.ArgumentParser:
    """A command under `parent` whose help and description are the same bilingual line."""
    sp = parent.add_parser(name, help=help_text, description=help_text)
    sp.set_defaults(func=func)
    return sp


def group(parent: Subcommands, name: str, help_text: str) -> Subcommands:
    """A command group (`dibao household …`); run without a subcommand it says so, exit code 2."""
    gp = command(parent, name, lambda args: missing_subcommand(name), help_text)
    return gp.add_subparsers(dest="sub", metavar="SUBCOMMAND")


def missing_subcommand(name: str) -> int:
    raise UsageError(f"缺少子命令，请运行 dibao {name} --help / missing subcommand")


def open_home(args: argparse.Namespace) -> tuple[Home, Catalog]:
    """The home `--home` names (it must exist), with the log set up, and its catalog — the search index
    following its commits (archiver/index_hook.py)."""
    home = resolve(args.home)
    home.require()
    setup_logging(home)
    return home, follow(home, Catalog.of(home))


class _ScrubFilter(logging.Filter):
    """Logs never contain a full ID number or account (个人信息保护法)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        if record.exc_info:  # a traceback quotes the exception's message: masked like the rest
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def setup_logging(home: Home) -> None:
    root = logging.getLogger("dibao")
    if root.handlers:
        return
    home.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(home.logs / "dibao.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(_ScrubFilter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def cli_user() -> str:
    """The name the audit log and the correction trail give the person at this terminal."""
    import getpass

    try:
        return "cli:" + getpass.getuser()
    except Exception:
        return "cli"


def iso_day(value: str, flag: str) -> str:
    """A `--date`-like flag's value as YYYY-MM-DD, or a usage error naming the flag."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise UsageError(f"{flag} 日期格式应为 YYYY-MM-DD：{value} / bad date") from exc


def household_or_fail(cat: Catalog, key: str) -> Household:
    """The household a 户编号 or a member's ID number names, or a usage error (ID masked)."""
    hid = cat.resolve_key(key)
    h = cat.household(hid) if hid is not None else None
    if h is None:
        raise UsageError(f"找不到户：{mask_id(key) if len(key) == 18 else key}（户编号或成员身份证号）/ no such household")
    return h


def key_or_village(cat: Catalog, key: str | None, village: str | None, full: bool = False) -> list[Household]:
    """The households a command names by `KEY` or `--village` (exactly one of them): one household, or every
    household of the village (`乡镇/村`, or a name only one township has); an empty village is refused."""
    from archiver.catalog import areas

    if bool(key) == bool(village):
        raise UsageError("请给出户编号或 --village 之一 / give a household key or --village")
    if key:
        return [household_or_fail(cat, key)]
    scope: Scope = areas.resolve(cat, village or "", village_only=True)  # AreaProblem: a UserError, said as it is
    households = cat.households(scope, full=full)
    if not households:
        raise UsageError(f"该村没有户：{village} / no households in village")
    return households


def audit_export(cat: Catalog, what: str, target: str, out: object) -> None:
    """A generated document is an export of personal data: the audit log says who wrote what, where."""
    with cat.transaction():
        cat.audit(cli_user(), f"export.{what}", target, str(out))
