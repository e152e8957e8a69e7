"""The 低保月报: twelve months of the project's own county add up to `stats --year` and carry its month-end
figures; the sheet opens in LibreOffice Calc and prints one landscape page per township."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from dibao import samplecounty

pytestmark = pytest.mark.cli

ADDS = (("new_households", "new_households"), ("stopped_households", "exited_households"),
        ("new_persons", "new_persons"), ("stopped_persons", "exited_persons"))


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from tests.conftest import Runner

    base = tmp_path_factory.mktemp("monthly")
    samplecounty.build(base / "county", seed=11, per_village=5, scans=False)
    run = Runner(base / "home")
    run("init")
    run("ingest", str(base / "county" / "inbox"), "--quiet")
    return run, base


def test_twelve_months_add_up_to_the_year(county) -> None:
    run, _ = county
    year = run.json("stats", "--year", "2025")
    months = [run.json("report", "monthly", "--month", f"2025-{m:02d}", "--json") for m in range(1, 13)]
    assert year["new_households"] + year["exited_households"] > 0  # the county has changes to add up
    for key, stat in ADDS:
        assert sum(m[key] for m in months) == year[stat], key
    assert sum(m["adjusted_households"] for m in months) == year["increased"] + year["decreased"]
    assert sum(m["disbursed"] for m in months) == pytest.approx(year["disbursed_total"], abs=0.06)
    assert [m["disbursed"] for m in months] == year["disbursed_by_month"]
    assert [m["persons_end"] for m in months] == year["persons_by_month"]
    dec = months[-1]
    assert dec["households_end"] == year["households_end"] and dec["persons_end"] == year["persons_end"]
    for t, row in year["by_type"].items():
        assert dec["by_type"][t] == row
    for c, row in year["by_category"].items():
        assert dec["by_class"][c] == row
    assert dec["by_category"] == year["by_person_category"]
    assert dec["by_category"]["老年"] > 0
    for m in months:  # the townships add up to the county in every figure
        for key in ("households_end", "persons_end", "new_households", "stopped_households", "adjusted_households"):
            assert sum(r[key] for r in m["rows"]) == m[key]
        assert sum(r["disbursed"] for r in m["rows"]) == pytest.approx(m["disbursed"], abs=0.05)
    q2 = run.json("report", "monthly", "--quarter", "2025Q2", "--json")
    assert q2["label"] == "2025年第二季度" and q2["persons_end"] == months[5]["persons_end"]
    assert q2["new_households"] == sum(m["new_households"] for m in months[3:6])
    assert q2["disbursed"] == pytest.approx(sum(m["disbursed"] for m in months[3:6]), abs=0.02)
    town = q2["rows"][0]["area"]
    one = run.json("report", "monthly", "--quarter", "2025Q2", "--scope", town, "--json")
    assert one["persons_end"] == q2["rows"][0]["persons_end"] and all("/" in r["area"] for r in one["rows"])


def test_bad_period_is_a_usage_error(county) -> None:
    run, base = county
    r = run("report", "monthly", "--month", "2025-13", "--json", check=False)
    assert r.returncode == 2 and "月份格式" in r.stderr
    r = run("report", "monthly", "--quarter", "2025Q5", "-o", str(base / "x.xlsx"), check=False)
    assert r.returncode == 2 and not (base / "x.xlsx").exists()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed (scripts/install-debian.sh)")
def test_sheet_prints_one_landscape_page_per_township(county) -> None:
    from tests.generators.pages import page_images, page_texts

    run, base = county
    out = base / "2025年6月低保月报.xlsx"
    run("report", "monthly", "--month", "2025-06", "-o", str(out))
    data = run.json("report", "monthly", "--month", "2025-06", "--json")
    work = base / "pdf"
    r = subprocess.run(["soffice", f"-env:UserInstallation={(base / 'lo').as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(work), str(out)], capture_output=True, timeout=180)
    pdf = work / (out.stem + ".pdf")
    if r.returncode or not pdf.exists():
        pytest.skip("LibreOffice Calc not installed (libreoffice-calc-nogui)")
    texts = page_texts(pdf)
    towns = [row["area"] for row in data["rows"]]
    assert len(texts) == 1 + len(towns)  # the county's sheet, then one page per township
    assert "2025年6月最低生活保障工作月报" in texts[0] and "制表人" in texts[0] and "审核人" in texts[0]
    for town, text in zip(towns, texts[1:], strict=True):
        assert f"{town}2025年6月最低生活保障工作月报" in text and f"填报单位：{town}民政办" in text
    for img in page_images(pdf, work):
        w, h = img.size
        assert w > h  # landscape
        ink = [x for x in range(w) if min(img.getpixel((x, y)) for y in range(0, h, 3)) < 128]
        assert ink and ink[-1] - ink[0] > w * 0.6  # the table spans the page width, none of it cut off
