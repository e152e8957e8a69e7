"""docs/cli.md, generated from the parser itself so the command reference cannot drift from the code
(tests/dibao/test_cli_reference.py fails when the file is stale).

Regenerate: .venv/bin/python -m dibao.cli.reference > docs/cli.md
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

WIDTH = "100"


def _commands(parser: argparse.ArgumentParser, path: list[str]) -> Iterator[tuple[list[str], str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield [*path, name], helps.get(name, ""), sub
                yield from _commands(sub, [*path, name])


def render() -> str:
    from . import build_parser

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH  # argparse wraps to the terminal: fix the width so the file is stable
    try:
        parser = build_parser()
        parser.prog = "dibao"
        out = ["# dibao command line", "",
               "Generated from the parser by `python -m dibao.cli.reference > docs/cli.md`; do not edit by hand "
               "(a test fails when this file is stale). Exit codes: 0 ok; 1 ran but found problems, or an internal "
               "error (logged); 2 the user's mistake or unusable input, with a message saying what and where.", "",
               "```text", parser.format_help().rstrip(), "```", ""]
        for path, help_text, sub in _commands(parser, []):
            out += [f"## dibao {' '.join(path)}", "", help_text, "", "```text", sub.format_help().rstrip(), "```", ""]
        return "\n".join(out)
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old


if __name__ == "__main__":
    print(render(), end="")
