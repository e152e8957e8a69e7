"""The objections register on the project's own application packs: a 公示异议 open when the case was
approved is found on that household only, closing it in time clears it; a 信访 left past its working days is
overdue; the summary states the register's counts; the complainant's name stays in the register."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.casepacks import build

pytestmark = pytest.mark.cli

NAME = "赵铁柱"


@pytest.fixture
def packs(dibao, tmp_path: Path):
    ps = build(tmp_path / "in")
    dibao("ingest", str(tmp_path / "in"), "--quiet")
    keys = {p.name: dibao.json("household", "show", p.head[1])["household_id"] for p in ps}
    return ps, keys


def _codes(dibao, code: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in dibao.json("inspect", "--year", "2025")["findings"]:
        if f["code"] == code:
            for k in f["households"]:
                out.setdefault(k, []).append(f)
    return out


def test_an_objection_open_at_the_decision_is_found_and_closing_in_time_clears_it(dibao, packs) -> None:
    _, keys = packs
    key = keys["程清一"]  # 公示 2025-03-17..23, approved 2025-03-28
    oid = dibao("objection", "add", "--kind", "公示异议", "--date", "2025-03-19", "--household", key, "--by", NAME,
                "--text", "反映该户子女有稳定收入").stdout.strip()
    assert oid.isdigit()
    found = _codes(dibao, "objection_open_at_decision")
    assert set(found) == {key}
    assert "2025-03-28" in found[key][0]["message"] and NAME not in found[key][0]["message"]
    assert "赵*" in found[key][0]["message"]
    listed = dibao.json("objection", "list", "--open")["objections"]
    assert [(o["id"], o["by"], o["due"], o["overdue"]) for o in listed] == [(oid, NAME, "2025-03-28", True)]
    r = dibao("objection", "close", oid, "--date", "2025-03-18", "--result", "不属实", "--finding", "x", check=False)
    assert r.returncode == 2 and "早于受理日期" in r.stderr  # closed before it was received
    dibao("objection", "close", oid, "--date", "2025-03-26", "--result", "不属实", "--finding", "经核查子女无稳定收入")
    assert not _codes(dibao, "objection_open_at_decision")
    assert not dibao.json("objection", "list", "--open")["objections"]


def test_closed_after_the_decision_is_still_found(dibao, packs) -> None:
    _, keys = packs
    key = keys["程清二"]
    oid = dibao("objection", "add", "--kind", "公示异议", "--date", "2025-03-20", "--household", key,
                "--text", "反映有车辆").stdout.strip()
    dibao("objection", "close", oid, "--date", "2025-04-02", "--result", "部分属实", "--finding", "有一辆旧农用车")
    found = _codes(dibao, "objection_open_at_decision")
    assert set(found) == {key} and "于2025-04-02才办结" in found[key][0]["message"]


def test_a_complaint_past_its_working_days_is_overdue(dibao, packs) -> None:
    _, keys = packs
    late, on_time = keys["程清三"], keys["程清四"]
    dibao("objection", "add", "--kind", "信访", "--date", "2025-05-06", "--household", late, "--text", "反映隐瞒收入")
    oid = dibao("objection", "add", "--kind", "举报", "--date", "2025-05-06", "--household", on_time, "--by", NAME,
                "--text", "反映有经营收入").stdout.strip()
    dibao("objection", "close", oid, "--date", "2025-05-20", "--result", "属实", "--finding", "开办小卖部")
    found = _codes(dibao, "objection_overdue")
    assert set(found) == {late}  # 15 working days after 2025-05-06 is 2025-05-27
    assert found[late][0]["detail"]["due"] == "2025-05-27"
    assert not _codes(dibao, "objection_open_at_decision")


def test_summary_counts_the_register_and_no_name_leaves_it(dibao, packs, tmp_path: Path) -> None:
    from docx import Document

    _, keys = packs
    a = dibao("objection", "add", "--kind", "信访", "--date", "2025-06-03", "--household", keys["程清三"],
              "--by", NAME, "--text", "反映该户不符合条件").stdout.strip()
    dibao("objection", "add", "--kind", "来电", "--date", "2025-07-01", "--household", keys["程清四"], "--text", "咨询")
    dibao("objection", "close", a, "--date", "2025-06-10", "--result", "不属实", "--finding", "经入户核查符合条件")
    out = tmp_path / "总结.docx"
    dibao("report", "summary", "--year", "2025", "-o", str(out))
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "受理低保相关的公示异议、信访、举报和来电共2件（信访1件、来电1件），已办结1件，经核实属实0件、部分属实0件、不属实1件；" \
           "尚在办理1件。" in text
    assert "【待填写：办理结果】" not in text and NAME not in text
    insp = tmp_path / "通报.docx"
    dibao("report", "inspection", "--year", "2025", "-o", str(insp))
    insp_text = "\n".join(p.text for p in Document(str(insp)).paragraphs)
    assert "异议、信访和举报办理情况：2025年受理低保相关的公示异议、信访、举报和来电共2件" in insp_text
    assert NAME not in insp_text
    dossier = tmp_path / "档案.pdf"
    dibao("dossier", keys["程清三"], "-o", str(dossier))
    from pypdf import PdfReader

    pages = "".join(page.extract_text() or "" for page in PdfReader(str(dossier)).pages)
    assert "信访" in pages and "赵*" in pages and NAME not in pages
    assert NAME not in dibao("audit").stdout
    assert NAME not in dibao("inspect", "--year", "2025").stdout
    for log in (dibao.home / "logs").glob("*"):
        assert NAME not in log.read_text(encoding="utf-8", errors="replace")
    assert NAME in dibao("objection", "list").stdout  # the register itself keeps the name
