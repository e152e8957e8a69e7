"""The 入户调查表 a visitor fills in by hand (per-member status, 义务人, 支出型困难, 邻里走访, two signatures) and the
dossier's 卷内目录 (rows numbered, in page order, each on the page it really starts on), both read back."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from archiver import pdf
from dibao.samplescans import render_form, to_jpeg, to_pdf
from tests.builders import person_id, roster_rows, write_xlsx

pytestmark = pytest.mark.cli

PAY_HEADER = ["序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "发放期间", "发放金额", "银行账号"]


def _household() -> dict:
    members = [("周老汉", person_id("19480305", seq=11, male=True), "户主"),
               ("周大成", person_id("19800716", seq=12, male=True), "子", "肢体二级"),
               ("周小雨", person_id("20150901", seq=13, male=False), "孙女")]
    return {"no": "5201020000101", "township": "测试镇", "village": "一村", "members": members, "amount": 1677.5,
            "category": "A"}


def _pdf_text(path: Path, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    args = ["pdftotext"] + (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    args += (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_visit_form_has_member_rows_supporters_expenses_neighbours_and_signatures(dibao, tmp_path: Path) -> None:
    h = _household()
    write_xlsx(tmp_path / "花名册.xlsx", roster_rows([h], "测试镇2024年12月城乡低保花名册"))
    dibao("ingest", str(tmp_path / "花名册.xlsx"), "--quiet")
    out = tmp_path / "调查表.pdf"
    dibao("form", "入户调查表", h["no"], "-o", str(out))
    text = _pdf_text(out)
    flat = re.sub(r"\s+", "", text)
    for section in ("家庭成员状况", "健康状况", "劳动能力", "就业情况", "月收入", "赡养、抚养、扶养义务人", "赡养（抚养、扶养）能力",
                    "支出型困难", "医疗（自付部分）", "教育（在校学生）", "邻里走访", "被走访人签字", "反映情况", "调查人：", "调查日期：",
                    "被调查人（签字）", "档案记载家庭月收入"):
        assert section in flat, section
    # what the archive knows is pre-filled: the disability, the child's and the elder's age band; boxes elsewhere
    assert "残疾（肢体二级）" in flat and "未成年（非劳动年龄）" in flat and "老年（非劳动年龄）" in flat
    assert "□有□部分丧失□完全丧失" in flat  # the working-age son: the visitor ticks his 劳动能力
    # IDs stay masked, the QR payload is still printed
    for _, idn, *_ in h["members"]:
        assert idn not in text and idn[:6] + "********" + idn[-4:] in text
    assert f"DIBAO-HH:{h['no']};F=DC;S=DC" in flat
    # the Word file carries the same tables (a row per member) for an office to edit
    docx = tmp_path / "调查表.docx"
    dibao("form", "入户调查表", h["no"], "-o", str(docx))
    d = Document(str(docx))
    heads = [[c.text for c in t.rows[0].cells] for t in d.tables]
    survey = next(t for t in d.tables if t.rows[0].cells[0].text == "姓名" and "健康状况" in [c.text for c in t.rows[0].cells])
    assert [r.cells[0].text for r in survey.rows[1:]] == ["周老汉", "周大成", "周小雨"]
    assert any("被走访人姓名" in row for row in heads) and any("赡养（抚养、扶养）能力" in row for row in heads)
    # a page to fill in by hand: the blank rows are tall enough to write in (page image: ruled boxes, ink)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(tmp_path / "form")], check=True)
    pages = sorted(tmp_path.glob("form*.png"))
    assert 1 <= len(pages) <= 2
    from PIL import Image

    with Image.open(pages[0]) as img:
        gray = img.convert("L")
        dark = gray.histogram()[:128]
        dark = sum(dark)
        assert dark > gray.size[0] * gray.size[1] * 0.01  # tables ruled and filled, not a blank page


@pytest.mark.ocr
def test_dossier_contents_are_in_page_order_with_the_pages_they_start_on(dibao, tmp_path: Path) -> None:
    h = _household()
    src = tmp_path / "in"
    src.mkdir()
    write_xlsx(src / "花名册.xlsx", roster_rows([h], "测试镇2019年12月城乡低保花名册"))
    head = h["members"][0]
    rows = [["测试镇低保金发放花名册"], PAY_HEADER]
    for i in range(72):  # six years of monthly payments: the 发放记录 runs over more than one page
        y, m = 2019 + i // 12, i % 12 + 1
        rows.append([i + 1, "测试镇", h["village"], head[0], head[1], 3, f"{y}年{m}月", 1677.5, "6228000000000000999"])
    write_xlsx(src / "发放.xlsx", rows)
    dibao("ingest", str(src), "--quiet")
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "SCAN_0001.jpg").write_bytes(to_jpeg(render_form(["最低生活保障申请书", f"申请人：{head[0]} 身份证号：{head[1]}",
                                                               "2019年3月2日"])))
    (scans / "SCAN_0002.pdf").write_bytes(to_pdf([
        render_form(["低保对象定期复核记录", f"户主：{head[0]} 身份证号：{head[1]}", "复核日期：2025年1月8日"]),
        render_form(["（续页）复核情况说明", "家庭情况无变化"]),
        render_form(["（续页）复核人签字", "复核人：王一、李二"])]))
    (scans / "SCAN_0003.jpg").write_bytes(to_jpeg(render_form(["最低生活保障家庭经济状况入户调查表",
                                                               f"户主：{head[0]} 身份证号：{head[1]}", "调查日期：2019年3月10日"])))
    dibao("ingest", str(scans), "--quiet")
    out = tmp_path / "dossier.pdf"
    dibao("dossier", h["no"], "-o", str(out))
    marks = pdf.bookmarks(out)
    total = pdf.page_count(out)
    assert [m[0] for m in marks[:2]] == ["封面与材料清单", "卷内目录"] and marks[-1] == ("卷内备考表", total)
    listed = marks[2:]  # every bookmark after the 目录 is one 卷内目录 row, in the same order
    starts = [p for _, p in listed]
    assert starts == sorted(starts)
    history = next(p for t, p in listed if t == "低保金发放记录")
    after = min(p for t, p in listed if p > history)
    assert after - history >= 2, "the payment history should run over two pages in this test"

    toc_page = marks[1][1]
    toc = _pdf_text(out, toc_page, history - 1, layout=True)
    row = re.compile(r"^\s*(\d+)\s+—\s+(.+?)\s+(\d{4}-\d{2}-\d{2}|日期不详)\s+(\d+)(?:-(\d+))?(?:\s+\S+)?\s*$")
    found = [row.match(line) for line in toc.splitlines()]
    rows_read = [m for m in found if m]
    assert [int(m.group(1)) for m in rows_read] == list(range(1, len(listed) + 1))  # numbered 1…n
    assert [int(m.group(4)) for m in rows_read] == starts  # the page each really starts on
    for m, (title, _) in zip(rows_read, listed, strict=True):
        assert title.split()[0] in m.group(2), (title, m.group(2))
    # a range ends where the next entry starts
    for i, m in enumerate(rows_read[:-1]):
        end = int(m.group(5) or m.group(4))
        assert end == starts[i + 1] - 1, (m.group(0), starts)
    # the history page is money with two decimals and 元; no scanner file name anywhere in the front matter
    front = _pdf_text(out, 1, after - 1)
    assert "1,677.50元" in front and "120,780.00元" in front
    assert "SCAN_" not in front and ".jpg" not in front
