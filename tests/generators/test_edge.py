"""Households at the edge on the project's own corpora: refusals with their reason, a 渐退 that ended in a
stop with its last income against the standard and the 1.5× line, and a household that came back keeps its
one file."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests import basis_county
from tests.builders import write_xlsx
from tests.casepacks import CHANGE_HEADER, build
from tests.conftest import Runner

pytestmark = pytest.mark.cli


def test_refusals_are_listed_with_their_reason(dibao, tmp_path: Path) -> None:
    packs = build(tmp_path / "in")
    dibao("ingest", str(tmp_path / "in"), "--quiet")
    rows = dibao.json("edge", "list", "--since", "2025-01-01")["households"]
    refused = {p.head[0] for p in packs if p.refused}
    assert {r["head"] for r in rows if r["kind"] == "不予批准"} == refused
    assert all("收入" in r["reason"] for r in rows if r["kind"] == "不予批准")
    assert dibao.json("edge", "list", "--since", "2025-04-01")["households"] == []  # decided in March
    assert not any(p.head[1] in dibao("edge", "list", "--since", "2025-01-01").stdout for p in packs)  # IDs masked


def test_a_taper_stop_is_on_the_edge_and_a_return_keeps_its_file(tmp_path: Path) -> None:
    basis_county.build(tmp_path / "county", "差额")
    run = Runner(tmp_path / "home")
    run("init")
    shutil.copy(tmp_path / "county" / "policy.toml", run.home / "policy.toml")
    run("ingest", str(tmp_path / "county" / "inbox"), "--quiet")
    run("cases", "stop", "H03", "--date", "2026-01-20", "--reason", "渐退期满", "--notified", "2026-01-21")
    rows = run.json("edge", "list", "--since", "2025-06-01")["households"]
    (h03,) = [r for r in rows if r["household_id"] == "H03"]
    assert (h03["kind"], h03["income_per_capita"], h03["standard"], h03["edge_line"], h03["edge"]) == \
        ("渐退期满", 800.0, 760.0, 1140.0, True)
    before = len(run.json("household", "list")["households"])
    shown = run.json("household", "show", "H03")
    head = next(m for m in shown["members"] if m["relation"] == "户主")
    idn = _head_id(tmp_path / "county", head["name"])
    back = tmp_path / "back"
    back.mkdir()
    write_xlsx(back / "测试镇2026年4月低保变动名册.xlsx", [["测试镇2026年4月低保变动名册"], CHANGE_HEADER,
               [1, basis_county.TOWNSHIP, basis_county.VILLAGE, head["name"], idn, "新增", "2026-04-10", 0, 2, 0, 300,
                "家庭收入减少，重新纳入"]])
    run("ingest", str(back), "--quiet")
    assert len(run.json("household", "list")["households"]) == before  # the same file, not a new household
    (again,) = [r for r in run.json("edge", "list", "--since", "2025-06-01")["households"] if r["household_id"] == "H03"]
    assert again["returned"] == "2026-04-10"
    out = tmp_path / "边缘户.xlsx"
    run("edge", "list", "--since", "2025-06-01", "-o", str(out))
    ws = openpyxl.load_workbook(out).active
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[1][:4] == ["序号", "乡镇", "村(社区)", "户编号"]
    row = next(r for r in values if r[3] == "H03")
    assert row[6] == "渐退期满" and row[12] == "是" and row[13] == "2026-04-10" and "*" in row[5]


def _head_id(folder: Path, name: str) -> str:
    for f in folder.rglob("*.xlsx"):
        for r in openpyxl.load_workbook(f).active.iter_rows(values_only=True):
            if name in r:
                ids = [c for c in r if isinstance(c, str) and len(c) == 18 and c[:17].isdigit()]
                if ids:
                    return ids[0]
    raise AssertionError(name)
