"""Notices from the right office (issuer per township, --from/--to, a whole township one village a page, an
empty selection exits 1 and writes nothing, the optional 分类 column, one wording in PDF and Word), and the
review plan with recorded reviews (`dibao review record`, a scanned 复核记录 still counts)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from dibao import samplecounty
from tests.conftest import Runner
from tests.generators.pages import page_images

pytestmark = pytest.mark.cli

ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    base = tmp_path_factory.mktemp("notice")
    data = samplecounty.build(base / "county", seed=21, per_village=6, scans=False)
    run = Runner(base / "home")
    run("init")
    run("ingest", str(base / "county" / "inbox"), "--quiet")
    policy = run.home / "policy.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("[issuers]\n", '[issuers]\n"城关镇" = "城关镇人民政府"\n'),
                      encoding="utf-8")
    events = []
    for h in run.json("household", "list")["households"]:
        for e in run.json("household", "show", h["household_id"])["events"]:
            events.append((e["date"], e["kind"], h))
    return run, data, base, events


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def docx_text(path: Path) -> str:
    d = Document(str(path))
    return "\n".join(p.text for p in d.paragraphs) + "\n" + "\n".join(
        c.text for t in d.tables for row in t.rows for c in row.cells)


def test_readme_example_prints_rows_or_exits_1(county, tmp_path: Path) -> None:
    run, data, base, events = county
    out = tmp_path / "公示.pdf"
    r = run("report", "notice", "--village", "红旗村", "--kind", "新增", "--from", "2025-06-01", "-o", str(out), check=False)
    if r.returncode == 1:
        assert "没有新增对象" in r.stderr and not out.exists()
    else:
        assert r.returncode == 0 and out.exists()
        assert "1" in pdf_text(out)  # at least row number 1


def test_empty_selection_exits_1_and_writes_no_file(county, tmp_path: Path) -> None:
    run, data, base, events = county
    out = tmp_path / "none.pdf"
    r = run("report", "notice", "--village", "红旗村", "--kind", "新增", "--from", "2019-02-01", "--to", "2019-02-10",
            "-o", str(out), check=False)
    assert r.returncode == 1, r.stderr
    assert "没有新增对象" in r.stderr and "未生成公示" in r.stderr
    assert not out.exists() and "已生成公示" not in r.stdout
    bad = run("report", "notice", "--village", "红旗村", "--kind", "新增", "--from", "2025-06-30", "--to", "2025-06-01",
              "-o", str(out), check=False)
    assert bad.returncode == 2 and "--to" in bad.stderr


def test_range_township_issuer_and_one_page_per_village(county, tmp_path: Path) -> None:
    run, data, base, events = county
    news = [(d, h) for d, k, h in events if k == "新增" and h["township"] == "城关镇" and d.startswith("2025")]
    if not news:
        pytest.skip("no 新增 in 城关镇 in 2025 for this seed")
    villages = sorted({h["village"] for _, h in news})
    out = tmp_path / "城关镇.pdf"
    run("report", "notice", "--township", "城关镇", "--kind", "新增", "--from", "2025-01-01", "--to", "2025-12-31",
        "-o", str(out))
    text = pdf_text(out)
    pages = text.split("\f")[:-1]
    assert len(pages) == len(villages)  # one notice per village that has cases, one page each
    for page, village in zip(pages, villages, strict=True):
        assert village in page.replace(" ", "")
        assert "城关镇人民政府（盖章）" in page.replace(" ", "")
        assert "某某县民政局（盖章）" not in page.replace(" ", "")
    for _, h in news:
        assert h["head"]["name"] in text
    assert not ID_RE.search(text) and "6228" not in text
    # each page carries ink: the notice is drawn, not a blank page
    for img in page_images(out, tmp_path, dpi=40):
        assert sum(img.histogram()[:200]) > 500
    # the same selection as Word says the same sentences
    docx = tmp_path / "城关镇.docx"
    run("report", "notice", "--township", "城关镇", "--kind", "新增", "--from", "2025-01-01", "--to", "2025-12-31",
        "-o", str(docx))
    word = docx_text(docx)
    intros = [p.text for p in Document(str(docx)).paragraphs if p.text.startswith("根据《社会救助暂行办法》")]
    assert len(intros) == len(villages)
    flat = text.replace(" ", "").replace("\n", "")
    for intro in intros:
        assert intro in flat
    assert word.count("城关镇人民政府（盖章）") == len(villages)
    # an explicit list of households narrows the notice to them
    chosen = news[0][1]
    one = tmp_path / "one.pdf"
    run("report", "notice", "--township", "城关镇", "--kind", "新增", "--from", "2025-01-01", "--to", "2025-12-31",
        "--household", chosen["household_id"], "-o", str(one))
    only = pdf_text(one)
    assert chosen["head"]["name"] in only and len(only.split("\f")[:-1]) == 1
    assert all(h["head"]["name"] not in only for _, h in news if h["village"] != chosen["village"])
    # the Word file breaks the page between villages
    xml = Document(str(docx)).element.xml
    assert xml.count('w:type="page"') == len(villages) - 1


def test_county_is_the_fallback_issuer_and_category_column(county, tmp_path: Path) -> None:
    run, data, base, events = county
    stops = [(d, h) for d, k, h in events if k == "停保" and h["township"] != "城关镇"]
    date, h = sorted(stops, key=lambda x: x[0])[-1]
    policy = run.home / "policy.toml"
    original = policy.read_text(encoding="utf-8")
    policy.write_text(original.replace("notice_category = false", "notice_category = true"), encoding="utf-8")
    try:
        out = tmp_path / "停保.pdf"
        run("report", "notice", "--village", h["village"], "--kind", "停保", "--from", date[:8] + "01", "-o", str(out))
        flat = pdf_text(out).replace(" ", "")
        # the county office is the fallback issuer; its name still the init default, the notice asks for it
        assert "【待填写：单位名称】（盖章）" in flat and "分类" in flat and "某某" not in flat
        assert "停发最低生活保障金对象公示" in flat and "拟停发" not in flat  # an approved stop is 停发
        docx = tmp_path / "停保.docx"
        run("report", "notice", "--village", h["village"], "--kind", "停保", "--from", date[:8] + "01", "-o", str(docx))
        table = Document(str(docx)).tables[0]
        assert [c.text for c in table.rows[0].cells][3] == "分类"
    finally:
        policy.write_text(original, encoding="utf-8")


def test_notice_html_template_override_and_unknown_variable(county, tmp_path: Path) -> None:
    run, data, base, events = county
    date, kind, h = next((d, k, h) for d, k, h in sorted(events, key=lambda x: x[0], reverse=True) if k == "新增")
    custom = run.home / "templates" / "notice.html"
    custom.parent.mkdir(exist_ok=True)
    try:
        custom.write_text("<html><body>{% for n in notices %}<p>自定义公示 {{ n.village }} {{ no_such }}</p>{% endfor %}"
                          "</body></html>", encoding="utf-8")
        r = run("report", "notice", "--village", h["village"], "--kind", "新增", "--from", date[:8] + "01",
                "-o", str(tmp_path / "x.pdf"), check=False)
        assert r.returncode == 2 and "no_such" in r.stderr and "Traceback" not in r.stderr
        custom.write_text("<html><body>{% for n in notices %}<p>自定义公示 {{ n.village }}</p>{% endfor %}</body></html>",
                          encoding="utf-8")
        run("report", "notice", "--village", h["village"], "--kind", "新增", "--from", date[:8] + "01",
            "-o", str(tmp_path / "y.pdf"))
        assert "自定义公示" in pdf_text(tmp_path / "y.pdf")
    finally:
        custom.unlink()


def test_review_record_and_plan_columns(county, tmp_path: Path) -> None:
    from tests.generators.pages import text_pdf

    run, data, base, events = county
    plan = tmp_path / "plan.xlsx"
    run("reviews", "due", "--month", "2025-12", "-o", str(plan))
    ws = openpyxl.load_workbook(plan).active
    made = [c.value for c in ws[2] if c.value]
    assert made[0] == "制表单位：【待填写：单位名称】" and made[1].startswith("制表日期：") and "年" in made[1]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["序号", "乡镇(街道)", "村(社区)"] and header[-3:] == ["复核结果", "复核人", "复核日期"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width for j in range(1, len(header) + 1)]
    for h, w in zip(header, widths, strict=True):  # every header line fits its column (a CJK character ≈ 2 units)
        assert max(len(x) for x in h.split("\n")) * 2 <= w + 1, (h, w)
    due = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert len(due) >= 2 and all(row[1] for row in due)  # the 乡镇 of every row
    first, second = due[0][3], due[1][3]
    r = run("review", "record", first, "--date", "2025-12-05", "--result", "维持原保障", "--reviewer", "李四")
    assert "已记录复核" in r.stdout
    # a scanned 复核记录 (text layer) for the second household counts too
    head_id = next(h["head_id"] for h in data["households"] if h["household_id"] == second)
    scans = tmp_path / "scans"
    scans.mkdir()
    text_pdf(["低保对象定期复核记录表", f"户主身份证号：{head_id}", "复核日期：2025年12月9日"], scans / "复核记录.pdf")
    run("ingest", str(scans), "--quiet")
    run("reviews", "due", "--month", "2025-12", "-o", str(plan))
    rows = {row[3]: row for row in ([c.value for c in r] for r in openpyxl.load_workbook(plan).active.iter_rows(min_row=4))}
    assert rows[first][10] == "已复核" and rows[first][-3:] == ["维持原保障", "李四", "2025-12-05"]
    assert rows[second][10] == "已复核" and rows[second][-1] == "2025-12-09"
    # the review restarts the clock: the next month's plan no longer lists it
    run("reviews", "due", "--month", "2026-01", "-o", str(plan))
    later = [row[3] for row in ([c.value for c in r] for r in openpyxl.load_workbook(plan).active.iter_rows(min_row=4))]
    assert first not in later
    audit = run("audit").stdout
    assert "review.record" in audit
    bad = run("review", "record", first, "--date", "2025-13-01", "--result", "x", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
