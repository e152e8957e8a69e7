"""Scanned documents end to end with real generated material: rendered forms (noise, rotation, JPEG),
image-only and multi-household PDFs, cover sheets, bad files, duplicates and hand assignment."""

from __future__ import annotations

from pathlib import Path

import pytest

from dibao.samplescans import render_form, to_jpeg, to_pdf
from tests.builders import person_id, roster_rows, small_county, write_xlsx

pytestmark = pytest.mark.cli


@pytest.fixture
def county(dibao, tmp_path: Path):
    c = small_county(seed=5, n=4)
    c[1]["members"][0] = ("李秀英", c[1]["members"][0][1], "户主")
    c[3]["members"][0] = ("王建国", c[3]["members"][0][1], "户主")
    write_xlsx(tmp_path / "roster.xlsx", roster_rows(c))
    dibao("ingest", str(tmp_path / "roster.xlsx"), "--quiet")
    return c


def docs_of(dibao, key: str) -> list[dict]:
    return dibao.json("household", "show", key)["documents"]


@pytest.mark.ocr
def test_noisy_rotated_scan_is_filed_by_id_with_type_and_date(dibao, county, tmp_path: Path) -> None:
    h = county[0]
    head = h["members"][0]
    img = render_form(["低保对象定期复核记录", f"户主：{head[0]}  身份证号：{head[1]}", "分类：A类  复核日期：二〇二五年三月十二日",
                       "复核结论：家庭情况无明显变化，继续享受。"], rotate=1.2, noise=0.003)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "SCAN_0007.jpg").write_bytes(to_jpeg(img, quality=60))
    out = dibao.json("ingest", str(inbox))
    assert out["archived"] == 1
    docs = docs_of(dibao, h["no"])
    assert [(d["type"], d["date"]) for d in docs] == [("复核记录", "2025-03-12")]
    assert docs[0]["path"].startswith(f"files/测试镇/{h['village']}/{h['no']}/复核记录_2025-03-12_")
    events = dibao.json("household", "show", h["no"])["events"]
    assert any(e["kind"] == "复核" and e["date"] == "2025-03-12" for e in events)
    # the same scan under another name is stored once and reported as a duplicate
    (inbox / "副本_SCAN_0007.jpg").write_bytes((inbox / "SCAN_0007.jpg").read_bytes())
    again = dibao.json("ingest", str(inbox / "副本_SCAN_0007.jpg"))
    assert again["duplicate"] == 1 and len(docs_of(dibao, h["no"])) == 1
    assert dibao("check").returncode == 0


@pytest.mark.ocr
def test_multi_household_image_pdf_is_split_page_by_page(dibao, county, tmp_path: Path) -> None:
    a, b = county[0], county[2]
    pages = [render_form(["最低生活保障申请书", f"申请人：{a['members'][0][0]} 身份证号：{a['members'][0][1]}", "2025年1月5日"]),
             render_form(["（续页）家庭财产情况", "住房：自有砖木结构住房一处"]),
             render_form(["收入证明", f"兹证明{b['members'][0][0]}（身份证号：{b['members'][0][1]}）月收入约300元。", "2025.2.3"])]
    f = tmp_path / "SCAN_multi.pdf"
    f.write_bytes(to_pdf(pages))
    dibao("ingest", str(f), "--quiet")
    da, db = docs_of(dibao, a["no"]), docs_of(dibao, b["no"])
    assert [(d["type"], d["pages"]) for d in da] == [("申请书", 2)]
    assert [(d["type"], d["date"]) for d in db] == [("收入证明", "2025-02-03")]


@pytest.mark.ocr
def test_name_and_village_route_a_form_without_id(dibao, county, tmp_path: Path) -> None:
    h = county[1]  # 李秀英 in 一村
    img = render_form(["低保民主评议记录", f"评议时间：2025年4月1日  地点：{h['village']}村委会",
                       f"评议对象：{h['members'][0][0]}（{h['village']}）", "评议结论：同意上报。"])
    f = tmp_path / "IMG_1001.JPG"
    f.write_bytes(to_jpeg(img))
    dibao("ingest", str(f), "--quiet")
    assert [d["type"] for d in docs_of(dibao, h["no"])] == ["民主评议记录"]


@pytest.mark.ocr
def test_unknown_and_ambiguous_scans_go_to_quarantine_never_a_guess(dibao, county, tmp_path: Path) -> None:
    stranger = person_id("19900101", seq=77)
    a, b = county[0], county[2]
    (tmp_path / "SCAN_x.jpg").write_bytes(to_jpeg(render_form(["收入证明", f"兹证明张三（身份证号：{stranger}）"])))
    (tmp_path / "SCAN_y.jpg").write_bytes(to_jpeg(render_form(
        ["情况说明", f"{a['members'][0][0]} {a['members'][0][1]}", f"{b['members'][0][0]} {b['members'][0][1]}"])))
    dibao("ingest", str(tmp_path / "SCAN_x.jpg"), str(tmp_path / "SCAN_y.jpg"), "--quiet")
    items = {i["source_name"]: i for i in dibao.json("quarantine", "list")["items"]}
    assert "找不到所属家庭" in items["SCAN_x.jpg"]["reason"]
    assert "多个候选" in items["SCAN_y.jpg"]["reason"] or "矛盾" in items["SCAN_y.jpg"]["reason"]
    assert len(items["SCAN_y.jpg"]["candidates"]) == 2
    for h in county:
        assert docs_of(dibao, h["no"]) == []
    # filed by hand, with a type
    qid = items["SCAN_x.jpg"]["file_id"]
    dibao("quarantine", "assign", qid, county[3]["no"], "--type", "收入证明")
    assert [d["type"] for d in docs_of(dibao, county[3]["no"])] == ["收入证明"]
    assert "SCAN_x.jpg" not in {i["source_name"] for i in dibao.json("quarantine", "list")["items"]}
    assert dibao("check").returncode == 0


@pytest.mark.ocr
def test_cover_sheet_routes_following_pages(dibao, county, tmp_path: Path) -> None:
    import subprocess

    from PIL import Image

    h = county[3]
    cover_pdf = tmp_path / "cover.pdf"
    dibao("coversheet", h["no"], "-o", str(cover_pdf))
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(cover_pdf), str(tmp_path / "cover")], check=True)
    cover = Image.open(tmp_path / "cover-1.png").convert("L")
    page = render_form(["居民户口簿", "户别：农业  住址：测试镇"])  # no ID, no name
    (tmp_path / "batch.pdf").write_bytes(to_pdf([cover, page]))
    dibao("ingest", str(tmp_path / "batch.pdf"), "--quiet")
    docs = docs_of(dibao, h["no"])
    assert [(d["type"], d["pages"]) for d in docs] == [("户口簿", 1)]


@pytest.mark.parametrize("name, data, fragment", [
    ("空文件.pdf", b"", "空文件"),
    ("损坏.pdf", b"%PDF-1.4\n1 0 obj<<>>\ngarbage", "PDF"),
    ("截断.jpg", None, "损坏或不完整"),
    ("录音.mp3", b"ID3\x03\x00\x00\x00" + b"\x00" * 200, "不支持"),
    ("照片.jpg", b"this is not an image at all", "不支持"),
])
@pytest.mark.ocr
def test_bad_files_are_quarantined_with_a_reason(dibao, tmp_path: Path, name: str, data: bytes | None, fragment: str) -> None:
    if data is None:
        data = to_jpeg(render_form(["申请书", "x"]))[:3000]
    (tmp_path / name).write_bytes(data)
    out = dibao.json("ingest", str(tmp_path / name))
    assert out["quarantined"] == 1
    item = dibao.json("quarantine", "list")["items"][0]
    assert fragment in item["reason"]
    assert dibao("check").returncode == 0


def test_encrypted_pdf_is_quarantined(dibao, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.encrypt("1234", "1234", algorithm="RC4-128")
    w.write(tmp_path / "加密.pdf")
    dibao("ingest", str(tmp_path / "加密.pdf"), "--quiet")
    assert "密码" in dibao.json("quarantine", "list")["items"][0]["reason"]


@pytest.mark.ocr
def test_multi_page_tiff_and_word_file(dibao, county, tmp_path: Path) -> None:
    import docx

    a, b = county[0], county[2]
    frames = [render_form(["低保对象定期复核记录", f"户主：{a['members'][0][0]} 身份证号：{a['members'][0][1]}", "复核日期：2025年5月6日"]),
              render_form(["低保对象定期复核记录", f"户主：{b['members'][0][0]} 身份证号：{b['members'][0][1]}", "复核日期：2025年5月7日"])]
    frames[0].save(tmp_path / "batch.tif", save_all=True, append_images=frames[1:], compression="tiff_deflate")
    d = docx.Document()
    d.add_paragraph("承诺书")
    d.add_paragraph(f"本人{county[3]['members'][0][0]}（身份证号：{county[3]['members'][0][1]}）承诺所报情况属实。")
    d.add_paragraph("2025年3月3日")
    d.save(str(tmp_path / "承诺书.docx"))
    dibao("ingest", str(tmp_path / "batch.tif"), str(tmp_path / "承诺书.docx"), "--quiet")
    assert [(x["type"], x["date"]) for x in docs_of(dibao, a["no"])] == [("复核记录", "2025-05-06")]
    assert [(x["type"], x["date"]) for x in docs_of(dibao, b["no"])] == [("复核记录", "2025-05-07")]
    assert [(x["type"], x["path"].endswith(".docx")) for x in docs_of(dibao, county[3]["no"])] == [("承诺书", True)]
    assert dibao("check").returncode == 0


@pytest.mark.ocr
def test_a_scan_that_came_before_its_roster_is_filed_when_the_roster_arrives(dibao, tmp_path: Path) -> None:
    c = small_county(seed=30, n=2)
    head = c[1]["members"][0]
    (tmp_path / "SCAN_early.jpg").write_bytes(to_jpeg(render_form(
        ["最低生活保障申请书", f"申请人：{head[0]} 身份证号：{head[1]}", "2025年1月9日"])))
    dibao("ingest", str(tmp_path / "SCAN_early.jpg"), "--quiet")
    assert [i["source_name"] for i in dibao.json("quarantine", "list")["items"]] == ["SCAN_early.jpg"]
    write_xlsx(tmp_path / "roster.xlsx", roster_rows(c))
    out = dibao.json("ingest", str(tmp_path / "roster.xlsx"))
    assert out["refiled"] == ["SCAN_early.jpg"]
    assert [d["type"] for d in docs_of(dibao, c[1]["no"])] == ["申请书"]
    assert dibao.json("quarantine", "list")["items"] == []
    assert dibao("check").returncode == 0


@pytest.mark.ocr
def test_a_long_running_ingestor_sees_households_added_after_its_first_scan(tmp_path: Path) -> None:
    """The watcher keeps one Ingestor: a roster it imports must reach its name+village routing."""
    from archiver.catalog import Catalog
    from archiver.home import Home
    from archiver.pipeline import Ingestor

    home = Home(tmp_path / "home")
    home.create()
    cat = Catalog.of(home)
    ingestor = Ingestor(home, cat)
    first, second = small_county(seed=50, n=1), small_county(seed=51, n=1)
    second[0]["no"], second[0]["village"] = "5201029999999", "新村"
    second[0]["members"][0] = ("欧阳秀兰", second[0]["members"][0][1], "户主")
    write_xlsx(tmp_path / "a.xlsx", roster_rows(first))
    write_xlsx(tmp_path / "b.xlsx", roster_rows(second))
    h = first[0]["members"][0]
    (tmp_path / "SCAN_a.jpg").write_bytes(to_jpeg(render_form(["收入证明", f"兹证明{h[0]}（身份证号：{h[1]}）", "2025年1月1日"])))
    (tmp_path / "SCAN_b.jpg").write_bytes(to_jpeg(render_form(["低保民主评议记录", "评议对象：欧阳秀兰（新村）", "2025年2月1日"])))
    for name in ("a.xlsx", "SCAN_a.jpg", "b.xlsx", "SCAN_b.jpg"):
        ingestor.run([tmp_path / name])
    b = cat.household(cat.resolve_key("5201029999999") or 0)
    assert b is not None and [d.type for d in b.documents] == ["民主评议记录"]


def test_the_same_file_twice_is_filed_under_the_name_without_copy(dibao, county, tmp_path: Path) -> None:
    """Windows' "- 副本" and a phone's "(1)" name the second copy, wherever it lies in the folder: the one
    document keeps the office's own name, the copy is listed as the same file."""
    import docx

    d = docx.Document()
    d.add_paragraph("承诺书")
    d.add_paragraph(f"本人{county[1]['members'][0][0]}（身份证号：{county[1]['members'][0][1]}）承诺所报情况属实。")
    inbox = tmp_path / "in"
    (inbox / "扫描件").mkdir(parents=True)
    d.save(str(inbox / "扫描件" / "承诺书.docx"))
    (inbox / "承诺书 - 副本.docx").write_bytes((inbox / "扫描件" / "承诺书.docx").read_bytes())  # walked first
    dibao("ingest", str(inbox), "--quiet")
    assert [x["source_name"] for x in docs_of(dibao, county[1]["no"])] == ["扫描件/承诺书.docx"]
