"""Figures on the project's own synthetic county equal what its builder knows to be true."""

from __future__ import annotations

from pathlib import Path

import pytest

from dibao import samplecounty

pytestmark = pytest.mark.cli


def test_stats_match_the_builders_truth(dibao, tmp_path: Path) -> None:
    data = samplecounty.build(tmp_path / "county", seed=11, per_village=5, scans=False)
    dibao("ingest", str(tmp_path / "county" / "inbox"), "--quiet")
    for year, want in data["expected"].items():
        got = dibao.json("stats", "--year", year)
        assert {k: got[k] for k in want} == want
    assert dibao("check").returncode == 0


def test_unknown_scope_is_a_usage_error(dibao) -> None:
    r = dibao("stats", "--year", "2025", "--scope", "不存在的乡", "--json", check=False)
    assert r.returncode == 2 and "范围不存在" in r.stderr
