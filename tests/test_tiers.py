"""Every test module declares its tier, so a new file cannot fall outside `make check` or into it unseen.

The tier is a module-level `pytestmark` naming one of the markers in pyproject.toml; a test that reads
scans by OCR or runs for minutes inside a faster module adds `@pytest.mark.ocr` / `@pytest.mark.slow`.
Read from the source (ast), never by importing or inspecting tests at collection.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
TIERS = ("unit", "cli", "ocr", "browser", "acceptance", "slow")


def _declared(path: Path) -> set[str]:
    """The tier markers a module's `pytestmark` names (one marker or a list)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            return {n.attr for n in ast.walk(node.value) if isinstance(n, ast.Attribute) and n.attr in TIERS}
    return set()


def test_every_test_module_declares_its_tier() -> None:
    modules = sorted((ROOT / "tests").rglob("test_*.py"))
    assert len(modules) > 50
    missing = [p.relative_to(ROOT).as_posix() for p in modules if not _declared(p)]
    assert not missing, f"declare a tier (pytestmark = pytest.mark.<{'|'.join(TIERS)}>) in: {missing}"


def test_the_tiers_are_the_markers_pyproject_registers() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert {m.split(":")[0] for m in config["markers"]} == set(TIERS)


def test_a_module_without_pytestmark_is_found(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import pytest\n\npytestmark = [pytest.mark.cli, pytest.mark.skipif(True, reason='')]\n")
    (tmp_path / "b.py").write_text("import pytest\n\n\n@pytest.mark.ocr\ndef test_x():\n    pass\n")
    assert _declared(tmp_path / "a.py") == {"cli"}
    assert _declared(tmp_path / "b.py") == set()
