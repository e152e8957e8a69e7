"""First contact with the command line (issue 25, item 9): dates as staff write them are taken everywhere,
and `user add` in a script without a password says how to give one instead of waiting on a terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dibao.cli.argdates import iso_dates
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import ROOT, Runner

pytestmark = pytest.mark.cli


def test_dates_as_staff_write_them() -> None:
    got = iso_dates(["--on", "2025/06/01", "--date=2025年6月1日", "--month", "2025年6月", "2025.6.1",
                     "--password", "2025/06/01", "--text", "2025年6月1日", "2025/02/30", "5201010010001"])
    assert got == ["--on", "2025-06-01", "--date=2025-06-01", "--month", "2025-06", "2025-06-01",
                   "--password", "2025/06/01", "--text", "2025年6月1日", "2025/02/30", "5201010010001"]


def test_household_basis_on_a_slashed_and_a_chinese_date(tmp_path: Path) -> None:
    run = Runner(tmp_path / "home")
    run("init")
    write_xlsx(tmp_path / "roster.xlsx", roster_rows(small_county(seed=3, n=1)))
    run("ingest", str(tmp_path / "roster.xlsx"), "--quiet")
    key = run.json("household", "list")["households"][0]["household_id"]
    for typed in ("2025/06/01", "2025年6月1日"):
        assert run.json("household", "show", key, "--on", typed)["basis"]["day"] == "2025-06-01"


def test_user_add_without_a_terminal_says_how(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Runner(home)("init")
    r = subprocess.run([sys.executable, "-m", "dibao.cli", "--home", str(home), "user", "add", "张三", "--role", "county"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT, timeout=60,
                       env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"})
    assert r.returncode == 2 and "--password" in r.stderr and "DIBAO_PASSWORD" in r.stderr
