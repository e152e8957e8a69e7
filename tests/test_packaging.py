"""Every package of the code is in pyproject.toml's package list: a new sub-package left out installs fine in
a checkout (`pip install -e`) and is missing from the wheel the offices install (`make wheelhouse`)."""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def test_every_package_ships_in_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {p.parent.relative_to(ROOT).as_posix().replace("/", ".")
             for pkg in ("archiver", "generators", "dibao") for p in (ROOT / pkg).rglob("__init__.py")
             if "__pycache__" not in p.parts}
    assert found - listed == set(), f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
