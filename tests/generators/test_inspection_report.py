"""The 检查通报 an inspector accepts: 文号 and 主送 placeholders, the inspection period apart from the reference
date, method and sample, townships ranked, deadlines, the amount to recover where a payment exceeded what was
due — and household numbers that never wrap, read off the page LibreOffice draws."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document

from tests.generators.pages import page_texts, to_pdf

pytestmark = pytest.mark.cli


def test_inspection_report_content_and_layout(planted, tmp_path: Path) -> None:
    run, base, summary_docx, stay = planted
    out = tmp_path / "检查通报.docx"
    said = run("report", "inspection", "--year", "2025", "-o", str(out)).stderr
    assert "[1/3] 逐户检查档案和发放" in said and "[3/3] 生成Word文档" in said
    d = Document(str(out))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "【待填写：发文字号" in text and "各乡镇人民政府、街道办事处：" in text
    assert "【待填写：检查起止日期】" in text and "检查基准日为2025年12月31日" in text
    findings = run.json("inspect", "--year", "2025")["findings"]
    active = run.json("stats", "--year", "2025")["households_end"]
    assert f"在保的{active}户为范围" in text and "全面检查" in text
    assert re.search(r"于\d{4}年\d+月\d+日前完成整改，并于\d{4}年\d+月\d+日前将整改情况书面报送", text)
    ranks = next(t for t in d.tables if t.rows[0].cells[0].text == "排名")
    rows = [[c.text for c in r.cells] for r in ranks.rows[1:]]
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    rates = [float(r[4].rstrip("%")) for r in rows]
    assert rates == sorted(rates, reverse=True)
    assert sum(int(r[2]) for r in rows) == active
    # the planted payment above what was due is to be recovered, with its household
    over = [f for f in findings if f["code"] == "amount_mismatch" and stay["household_id"] in f["households"]]
    assert over
    recover = next(t for t in d.tables if [c.text for c in t.rows[0].cells][-1] == "应追回(元)")
    lines = [[c.text for c in r.cells] for r in recover.rows[1:]]
    planted_row = next(r for r in lines if r[0] == stay["household_id"])
    assert planted_row[-1] == f"{over[0]['detail']['paid'] - over[0]['detail']['due']:,.2f}"
    assert lines[-1][0] == "合计"
    assert "缴回" in text and "明细见附件2" in text
    dated = tmp_path / "检查通报2.docx"
    run("report", "inspection", "--year", "2025", "--checked-from", "2026-01-06", "--checked-to", "2026-01-15", "-o", str(dated))
    first = "\n".join(p.text for p in Document(str(dated)).paragraphs)
    assert "于2026年1月6日至2026年1月15日对" in first and "检查基准日为2025年12月31日" in first
    if shutil.which("soffice"):
        pages = page_texts(to_pdf(out, tmp_path))
        numbers = {r[0] for r in lines[:-1]} | {c.text for t in d.tables for c in t.columns[0].cells
                                                if re.fullmatch(r"\d{13}", c.text)}
        whole = "\n".join(pages)
        for n in numbers:
            assert n in whole, f"household number {n} wraps or is cut on the page"
    else:
        pytest.skip("LibreOffice not installed: layout not checked")
