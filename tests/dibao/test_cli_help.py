"""Every command documents itself (a command without help text fails here)."""

from __future__ import annotations

import argparse

import pytest

from dibao.cli import build_parser

pytestmark = pytest.mark.unit


def walk(parser: argparse.ArgumentParser, path: list[str]):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield [*path, name], helps.get(name), sub
                yield from walk(sub, [*path, name])


def test_every_command_and_option_has_help() -> None:
    missing = []
    for path, help_text, sub in walk(build_parser(), []):
        if not help_text:
            missing.append(" ".join(path))
        for action in sub._actions:
            if action.option_strings and action.dest != "help" and not action.help:
                missing.append(f"{' '.join(path)} {action.option_strings[0]}")
            if not action.option_strings and not isinstance(action, argparse._SubParsersAction) and not action.help:
                missing.append(f"{' '.join(path)} <{action.dest}>")
    assert not missing, missing


def test_contract_commands_exist() -> None:
    names = {" ".join(p) for p, _, _ in walk(build_parser(), [])}
    for cmd in ["init", "ingest", "check", "household list", "household show", "stats", "quarantine list", "watch",
                "quarantine assign", "reindex", "search", "report summary", "report notice", "report inspection",
                "dossier", "reviews due", "coversheet", "serve", "inspect"]:
        assert cmd in names
