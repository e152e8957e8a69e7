"""Inspections on planted irregularities, dossiers read back (pages, bookmarks, checklist), review plans."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from archiver import pdf
from dibao.samplescans import render_form, to_jpeg, to_pdf
from tests.builders import roster_rows, small_county, write_xlsx

pytestmark = pytest.mark.cli

PAY_HEADER = ["序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "发放期间", "发放金额", "银行账号"]
CHANGE_HEADER = ["序号", "乡镇", "村", "户主姓名", "户主身份证号", "变动类型", "变动日期", "原保障人数", "现保障人数", "原金额",
                 "现金额", "变动原因"]


@pytest.fixture
def planted(dibao, tmp_path: Path):
    c = small_county(seed=12, n=5)
    c[3]["members"].append((c[2]["members"][0][0], c[2]["members"][0][1], "兄弟"))  # one person in two households
    write_xlsx(tmp_path / "花名册.xlsx", roster_rows(c, "测试镇2024年12月城乡低保花名册"))
    heads = [h["members"][0] for h in c]
    write_xlsx(tmp_path / "变动.xlsx", [["测试镇2025年2月城乡低保对象变动情况表"], CHANGE_HEADER,
                                       [1, "测试镇", c[4]["village"], heads[4][0], heads[4][1], "停保", "2025-02-10", 1, 0,
                                        c[4]["amount"], 0, "死亡"]])
    rows = [["测试镇2025年第二季度低保金发放花名册"], PAY_HEADER]
    for i, h in enumerate(c):
        account = "6228000000000000001" if i in (0, 1) else f"62280000000000001{i:02d}"
        rows.append([i + 1, "测试镇", h["village"], heads[i][0], heads[i][1], len(h["members"]), "2025年4-6月",
                     3 * h["amount"], account])
    write_xlsx(tmp_path / "发放.xlsx", rows)
    dibao("ingest", str(tmp_path), "--quiet")
    return c


def codes(dibao) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for f in dibao.json("inspect", "--year", "2025")["findings"]:
        out.setdefault(f["code"], []).append(sorted(f["households"]))
    return out


def test_planted_irregularities_are_found_and_clean_households_are_not_accused(dibao, planted) -> None:
    c = planted
    found = codes(dibao)
    assert sorted([c[2]["no"], c[3]["no"]]) in found["same_person_two_households"]
    assert sorted([c[0]["no"], c[1]["no"]]) in found["shared_bank_account"]
    assert [c[4]["no"]] in found["paid_after_stop"]
    assert "amount_mismatch" not in found  # every other payment equals 3 × the roster amount
    flagged = {k for code in ("same_person_two_households", "shared_bank_account", "paid_after_stop") for ks in found.get(code, []) for k in ks}
    assert flagged == {c[0]["no"], c[1]["no"], c[2]["no"], c[3]["no"], c[4]["no"]}
    text = dibao("inspect", "--year", "2025").stdout
    assert "6228000000000000001" not in text and c[2]["members"][0][1] not in text


def test_inspection_report_docx(dibao, planted, tmp_path: Path) -> None:
    out = tmp_path / "通报.docx"
    dibao("report", "inspection", "--year", "2025", "-o", str(out))
    d = Document(str(out))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "检查情况" in text and "存在不足" in text and "工作要求" in text
    assert "同一人在两户中享受低保" in text and "停保后仍有发放" in text
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert "测试镇" in cells


@pytest.mark.ocr
def test_dossier_has_cover_checklist_toc_bookmarks_and_every_page(dibao, planted, tmp_path: Path) -> None:
    h = planted[0]
    head = h["members"][0]
    inbox = tmp_path / "scans"
    inbox.mkdir()
    (inbox / "SCAN_a.jpg").write_bytes(to_jpeg(render_form(["最低生活保障申请书", f"申请人：{head[0]} 身份证号：{head[1]}", "2024年3月2日"])))
    two = [render_form(["低保对象定期复核记录", f"户主：{head[0]} 身份证号：{head[1]}", "复核日期：2025年1月8日"]),
           render_form(["（续页）复核情况说明", "家庭情况无变化"])]
    (inbox / "SCAN_b.pdf").write_bytes(to_pdf(two))
    dibao("ingest", str(inbox), "--quiet")
    out = tmp_path / "dossier.pdf"
    dibao("dossier", h["no"], "-o", str(out))
    toc = pdf.bookmarks(out)
    titles = [t[0].split()[0] for t in toc]
    docs = [t for t in toc if t[0].split()[0] in ("申请书", "复核记录")]
    assert [t[0].split()[0] for t in docs] == ["申请书", "复核记录"]  # canonical order: 申请 before 复核
    assert titles[:3] == ["封面与材料清单", "卷内目录", "低保金发放记录"] and titles[-1] == "卷内备考表"
    front = docs[0][1] - 1
    pages = pdf.page_count(out)
    assert pages == front + 1 + 2 + 1  # front matter, the documents' pages, 卷内备考表
    assert docs[1][1] == front + 2
    # the scan sits on an A4 page, drawn (not blank): its rendering has dark pixels
    with pdf.opened(out) as doc:
        img = pdf.render(doc, front, max_side=400, gray=True)
    assert img.size[1] > img.size[0] and img.getextrema()[0] < 80
    text = subprocess.run(["pdftotext", "-l", "2", str(out), "-"], capture_output=True, text=True).stdout
    assert "材料清单" in text and "卷内目录" in text and "✗" in text and "✓" in text
    assert "保管期限" in text and "责任者" in text and "文号" in text
    back = subprocess.run(["pdftotext", "-f", str(pages), str(out), "-"], capture_output=True, text=True).stdout
    assert "卷内备考表" in back and "立卷人" in back and "检查人" in back and f"共{pages}页" in back
    history = subprocess.run(["pdftotext", "-f", "3", "-l", "3", str(out), "-"], capture_output=True, text=True).stdout
    assert "低保金发放记录" in history
    assert head[1] not in text and head[1][:6] + "********" + head[1][-4:] in text
    # the TOC page numbers are the bookmarks' pages
    toc_text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert str(front + 1) in toc_text and str(front + 2) in toc_text


def test_village_dossiers_with_index_and_review_plan(dibao, planted, tmp_path: Path) -> None:
    village = planted[0]["village"]
    out = tmp_path / "村档案"
    dibao("dossier", "--village", village, "-o", str(out))
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    members = [h for h in planted if h["village"] == village]
    assert len(pdfs) == len(members) + 1 and "索引.pdf" in pdfs
    ws = openpyxl.load_workbook(out / "索引.xlsx").active
    assert ws.max_row == 2 + len(members)
    plan = tmp_path / "复核计划.xlsx"
    dibao("reviews", "due", "--month", "2025-06", "-o", str(plan))
    rows = list(openpyxl.load_workbook(plan).active.iter_rows(values_only=True))
    assert rows[2][0] == "序号" and str(rows[1][0]).startswith("制表单位：")
    listed = {r[3] for r in rows[3:]}
    # every household approved 2020-01-01 and never reviewed is overdue by mid-2025 (A/B/C all ≤ 12 months)
    active = {h["no"] for h in planted if h is not planted[4]}
    assert listed == active
