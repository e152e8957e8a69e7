"""Generated documents read back: the summary's figures equal `stats`, charts are in it, it opens in
LibreOffice; notices have the right period and rows and never a full ID, account or phone."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from dibao import samplecounty

pytestmark = pytest.mark.cli

ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from tests.conftest import Runner

    base = tmp_path_factory.mktemp("docs")
    data = samplecounty.build(base / "county", seed=21, per_village=6, scans=False)
    run = Runner(base / "home")
    run("init")
    run("ingest", str(base / "county" / "inbox"), "--quiet")
    return run, data, base


def docx_text(path: Path) -> str:
    d = Document(str(path))
    return "\n".join(p.text for p in d.paragraphs) + "\n" + "\n".join(
        c.text for t in d.tables for row in t.rows for c in row.cells)


def test_summary_figures_equal_stats_and_it_has_charts(county) -> None:
    run, data, base = county
    out = base / "summary.docx"
    run("report", "summary", "--year", "2025", "-o", str(out))
    s = run.json("stats", "--year", "2025")
    text = docx_text(out)
    for figure in (f"{s['households_end']}户{s['persons_end']}人", f"新增低保对象{s['new_households']}户{s['new_persons']}人",
                   f"退出{s['exited_households']}户{s['exited_persons']}人", f"{s['disbursed_total'] / 10000:.2f}万元",
                   "2025年12月31日"):
        assert figure in text, figure
    assert len(Document(str(out)).inline_shapes) == 2
    assert not ID_RE.search(text)
    # the Chinese fonts are set where Word looks for them (w:eastAsia), named as office PCs have them
    import zipfile

    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode("utf-8") + z.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml


def test_summary_for_a_township_uses_that_townships_figures(county) -> None:
    run, data, base = county
    out = base / "summary-t.docx"
    run("report", "summary", "--year", "2024", "--scope", "新街乡", "-o", str(out))
    s = run.json("stats", "--year", "2024", "--scope", "新街乡")
    assert f"{s['households_end']}户{s['persons_end']}人" in docx_text(out)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed (scripts/install-debian.sh installs it)")
def test_summary_opens_in_libreoffice(county, tmp_path: Path) -> None:
    run, data, base = county
    out = tmp_path / "summary.docx"
    run("report", "summary", "--year", "2025", "-o", str(out))
    r = subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                       capture_output=True, text=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    pdf = tmp_path / "summary.pdf"
    assert pdf.exists(), r.stderr
    info = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert len(info.strip().splitlines()) >= 4  # header lines + the two charts


def test_notice_pdf_has_period_rows_and_no_sensitive_numbers(county) -> None:
    run, data, base = county
    new = [h for h in data["households"] if h["in_care_2025"]]
    hist = run.json("household", "show", new[0]["household_id"])
    village = hist["village"]
    # pick a month with a 新增 in this village, from the catalog itself
    events = [(e["date"], h["household_id"]) for h in run.json("household", "list", "--village", village)["households"]
              for e in run.json("household", "show", h["household_id"])["events"] if e["kind"] == "新增"]
    if not events:
        pytest.skip("no 新增 in this village for this seed")
    date, hid = sorted(events)[-1]
    start = date[:8] + "01"
    out = base / "notice.pdf"
    run("report", "notice", "--village", village, "--kind", "新增", "--from", start, "--days", "7", "-o", str(out))
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    head = run.json("household", "show", hid)["head"]
    assert head["name"] in text and village in text
    y, m = int(start[:4]), int(start[5:7])
    assert f"{y}年{m}月1日至{y}年{m}月7日" in text
    assert not ID_RE.search(text)
    assert "6228" not in text  # bank accounts start so in the builder
    assert "第1页/共1页" in text.replace(" ", "")
    # the page renders: Chinese glyphs, not empty boxes or a blank page
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(out), str(base / "notice-page")], check=True)
    from PIL import Image, ImageStat

    page = Image.open(next(base.glob("notice-page*.png"))).convert("L")
    assert ImageStat.Stat(page).mean[0] < 250  # ink on the page
    assert subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout.count("CJK") >= 1


def test_notice_docx_masks_names_when_policy_says_so(county) -> None:
    run, data, base = county
    policy = run.home / "policy.toml"
    original = policy.read_text(encoding="utf-8")
    policy.write_text(original.replace("mask_names = false", "mask_names = true"), encoding="utf-8")
    try:
        hh = run.json("household", "list")["households"]
        stopped = [(e["date"], h) for h in hh for e in run.json("household", "show", h["household_id"])["events"]
                   if e["kind"] == "停保"]
        date, h = sorted(stopped, key=lambda x: x[0])[-1]
        out = base / "notice.docx"
        run("report", "notice", "--village", h["village"], "--kind", "停保", "--from", date[:8] + "01", "-o", str(out))
        text = docx_text(out)
        name = h["head"]["name"]
        assert name not in text and (name[0] + "*") in text
        assert not ID_RE.search(text)
    finally:
        policy.write_text(original, encoding="utf-8")


def test_templates_override_and_unknown_variable_is_named(county, tmp_path: Path) -> None:
    from docx import Document as New

    run, data, base = county
    run("templates", "export", str(tmp_path / "tpl"))
    assert (tmp_path / "tpl" / "summary.docx").exists()
    bad = New()
    bad.add_paragraph("{{ office }} {{ no_such_figure }}")
    bad.save(str(run.home / "templates" / "summary.docx"))
    try:
        r = run("report", "summary", "--year", "2025", "-o", str(tmp_path / "x.docx"), check=False)
        assert r.returncode == 2 and "no_such_figure" in r.stderr and "Traceback" not in r.stderr
        good = New()
        good.add_paragraph("{{ office }}：{{ s.households_end }}户 A&B <自定义>")
        good.save(str(run.home / "templates" / "summary.docx"))
        run("report", "summary", "--year", "2025", "-o", str(tmp_path / "y.docx"))
        s = run.json("stats", "--year", "2025")
        assert f"{s['households_end']}户 A&B <自定义>" in docx_text(tmp_path / "y.docx")
    finally:
        (run.home / "templates" / "summary.docx").unlink()
