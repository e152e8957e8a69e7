"""docs/cli.md is the parser's own help, regenerated whenever a command or option changes."""

from __future__ import annotations

import pytest

from dibao.cli import reference
from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def test_cli_reference_is_current() -> None:
    doc = ROOT / "docs" / "cli.md"
    assert doc.exists(), "docs/cli.md missing: python -m dibao.cli.reference > docs/cli.md"
    assert doc.read_text(encoding="utf-8") == reference.render(), (
        "docs/cli.md is stale: regenerate with .venv/bin/python -m dibao.cli.reference > docs/cli.md")
    assert "## dibao ingest" in doc.read_text(encoding="utf-8") and "--workers" in reference.render()
