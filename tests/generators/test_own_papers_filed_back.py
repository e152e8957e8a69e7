"""dibao's own papers come back as what they are (issue 24): its 公示, its 审批表 and its 入户调查表, rendered,
printed through LibreOffice (or WeasyPrint) to page images as a scanner would, and ingested through OCR, are
filed as 公示记录 / 审批表 / 入户调查表 on the right household's case step — the 公示's standard sentence
"经本人申请、入户调查和审核" no longer makes it an 入户调查表."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.builders import person_id, write_xlsx
from tests.casepacks import CHANGE_HEADER

pytestmark = [pytest.mark.ocr, pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                                                  reason="LibreOffice and poppler-utils are test packages (scripts/install-debian.sh --test)")]


def _page_image(pdf: Path, out: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out.with_suffix(""))],
                   check=True)


def test_dibao_notice_and_forms_printed_and_scanned_file_to_their_case_steps(dibao, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    approved = ("公示回", person_id("19610303", seq=21))
    write_xlsx(folder / "变动.xlsx", [["回档镇2025年6月低保对象变动情况表"], CHANGE_HEADER,
                                     [1, "回档镇", "回档村", approved[0], approved[1], "新增", "2025-06-20", 0, 2, 0, 600, "新申请"]])
    dibao("ingest", str(folder), "--quiet")
    applicant = ("表单回", person_id("19630404", seq=22))
    dibao("household", "add", "--village", "回档镇/回档村", "--name", applicant[0], "--id", applicant[1],
          "--applied", "2025-11-03")
    scans = tmp_path / "scans"
    scans.mkdir()
    notice = tmp_path / "notice.pdf"
    dibao("report", "notice", "--village", "回档村", "--kind", "新增", "--from", "2025-06-01", "-o", str(notice))
    _page_image(notice, scans / "SCAN_0001.png")
    for i, kind in enumerate(("入户调查表", "审批表"), 2):
        form = tmp_path / f"{kind}.pdf"
        dibao("form", kind, applicant[1], "-o", str(form))
        _page_image(form, scans / f"SCAN_000{i}.png")
    dibao("ingest", str(scans), "--quiet")

    shown = dibao.json("household", "show", approved[1])
    notices = [d for d in shown["documents"] if d["source_name"] == "SCAN_0001.png"]
    assert [d["type"] for d in notices] == ["公示记录"], shown["documents"]
    new = next(c for c in shown["cases"] if c["kind"] == "新增")
    step = next(s for s in new["steps"] if s["step"] == "公示")
    assert step["document_id"] == str(notices[0]["document_id"]) and step["date"] == "2025-06-01"

    shown = dibao.json("household", "show", applicant[1])
    types = {d["source_name"]: d["type"] for d in shown["documents"]}
    assert types == {"SCAN_0002.png": "入户调查表", "SCAN_0003.png": "审批表"}, types
    new = next(c for c in shown["cases"] if c["kind"] == "新增")
    filed = {s["step"]: s["document_id"] for s in new["steps"] if s["document_id"]}
    ids = {d["type"]: str(d["document_id"]) for d in shown["documents"]}
    assert filed.get("入户调查") == ids["入户调查表"] and filed.get("审批") == ids["审批表"], new["steps"]
