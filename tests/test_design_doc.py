"""docs/design.md names every module in its room, from the module's own docstring: a module added without a
docstring, or without rerunning scripts/module_table.py, fails here (as docs/cli.md does for commands)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def _table():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("module_table", ROOT / "scripts" / "module_table.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_module_has_a_docstring_and_is_in_the_design_doc() -> None:
    table = _table()
    undocumented = [p for p, first in table.modules() if not first]
    assert not undocumented, f"give these modules a docstring that says why they exist: {undocumented}"
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    assert table.rewrite(text) == text, "docs/design.md is stale: run .venv/bin/python scripts/module_table.py"
    assert all(f"`{p}`" in text for p, _ in table.modules())


def test_no_doc_names_a_file_the_repository_lacks() -> None:
    import re

    for doc in (ROOT / "docs").glob("*.md"):
        for name in re.findall(r"`((?:archiver|generators|dibao|scripts|bench|tests)/[\w/]+\.py)`", doc.read_text("utf-8")):
            assert (ROOT / name).exists(), f"{doc.name} names {name}, which does not exist"
