"""Formats staff actually have: a phone's HEIC photo is read and filed like a scan; an OFD e-document is
quarantined with a reason that says what to do."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from archiver.sniff import sniff
from dibao.samplescans import render_form
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import ROOT

pytestmark = pytest.mark.cli

HEIC = ROOT / "tests" / "data" / "入户调查_手机拍照.heic"  # render_form of small_county(seed=5)[0], saved as HEIC


@pytest.fixture
def county(dibao, tmp_path: Path):
    c = small_county(seed=5, n=4)
    write_xlsx(tmp_path / "roster.xlsx", roster_rows(c))
    dibao("ingest", str(tmp_path / "roster.xlsx"), "--quiet")
    return c


@pytest.mark.ocr
def test_heic_photo_is_filed_and_previewable(dibao, county, tmp_path: Path) -> None:
    assert render_form  # the photo was made with it (see HEIC)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(HEIC, inbox / "IMG_0001.HEIC")
    assert sniff(inbox / "IMG_0001.HEIC").kind == "heic"
    out = dibao.json("ingest", str(inbox))
    assert out["archived"] == 1, out
    docs = dibao.json("household", "show", county[0]["no"])["documents"]
    assert [(d["type"], d["date"]) for d in docs] == [("入户调查表", "2025-03-12")]
    assert docs[0]["path"].endswith(".heic")
    from dibao.web import preview

    jpeg = preview.render(dibao.home / docs[0]["path"], 1, 300)
    assert jpeg[:3] == b"\xff\xd8\xff" and preview.page_count(dibao.home / docs[0]["path"]) == 1


def test_ofd_is_quarantined_with_what_to_do(dibao, tmp_path: Path) -> None:
    f = tmp_path / "通知.ofd"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        z.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    dibao("ingest", str(f), "--quiet")
    reason = dibao.json("quarantine", "list")["items"][0]["reason"]
    assert "OFD" in reason and "PDF" in reason


@pytest.mark.ocr
def test_zip_of_scans_files_each_member(dibao, county, tmp_path: Path) -> None:
    from dibao.samplescans import to_jpeg

    head = county[2]["members"][0]
    scan = to_jpeg(render_form(["收入证明", f"兹证明{head[0]}（身份证号：{head[1]}）月收入约300元。", "2025年2月3日"]))
    z = tmp_path / "城关镇第一批.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("扫描/收入证明.jpg", scan)
        zf.writestr("扫描/坏.jpg", b"not an image")
        zf.writestr("__MACOSX/._收入证明.jpg", b"junk")
    out = dibao.json("ingest", str(z))
    by_name = {f["source_name"]: f for f in out["files"]}
    assert by_name["城关镇第一批.zip"]["outcome"] == "archived" and by_name["城关镇第一批.zip"]["kind"] == "zip"
    assert by_name["城关镇第一批.zip/扫描/收入证明.jpg"]["outcome"] == "archived"
    assert by_name["城关镇第一批.zip/扫描/坏.jpg"]["outcome"] == "quarantined"
    assert not any("__MACOSX" in n for n in by_name)
    docs = dibao.json("household", "show", county[2]["no"])["documents"]
    assert [d["type"] for d in docs] == ["收入证明"] and docs[0]["source_name"] == "城关镇第一批.zip/扫描/收入证明.jpg"
    assert not list((dibao.home / "tmp").glob("zip-*"))  # unpacked copies are gone after the batch
    assert dibao("check").returncode == 0
