"""Stops by the rules on the project's own counties: a stop without a notice, one notified late and a 渐退
that ran out are each found on their household and no other; `cases due` lists what is pending; the
停保告知书 prints the reason in the rules' words and the right to 申请复核; the 授权书 lists every adult."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dibao import samplecounty
from tests import basis_county
from tests.conftest import Runner

pytestmark = pytest.mark.cli

CODES = {"stop_notice_missing", "stop_notice_late", "taper_ended_no_decision"}


def _by_household(run: Runner, year: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in run.json("inspect", "--year", year)["findings"]:
        if f["code"] in CODES:
            for k in f["households"]:
                out.setdefault(k, set()).add(f["code"])
    return out


def test_stop_notices_missing_and_late_are_found_on_their_households_only(dibao, tmp_path: Path) -> None:
    samplecounty.build(tmp_path / "county", seed=11, per_village=5, scans=False)
    dibao("ingest", str(tmp_path / "county" / "inbox"), "--quiet")
    assert not _by_household(dibao, "2025")  # change lists alone accuse no stop
    keys = [h["household_id"] for h in dibao.json("household", "list")["households"] if h["status"] == "在保"][:4]
    silent, late, on_time, later = keys
    dibao("cases", "stop", silent, "--date", "2025-06-10", "--reason", "迁出")
    dibao("cases", "stop", late, "--date", "2025-06-10", "--reason", "家庭收入增加", "--notified", "2025-06-20")
    dibao("cases", "stop", on_time, "--date", "2025-06-10", "--reason", "死亡", "--notified", "2025-06-12")
    dibao("cases", "stop", later, "--date", "2025-07-01", "--reason", "收入超标")
    r = dibao("cases", "stop", later, "--date", "2025-07-01", "--reason", "收入超标", "--notified", "2025-06-30",
              check=False)
    assert r.returncode == 2 and "早于停保决定日期" in r.stderr
    dibao("cases", "stop", later, "--date", "2025-07-01", "--reason", "收入超标", "--notified", "2025-07-03")
    assert _by_household(dibao, "2025") == {silent: {"stop_notice_missing"}, late: {"stop_notice_late"}}
    due = dibao.json("cases", "due", "--on", "2025-06-12")["steps"]
    assert sorted((d["household_id"], d["step"], d["due"]) for d in due if d["kind"] == "停保") == sorted(
        [(silent, "告知", "2025-06-13"), (late, "告知", "2025-06-13")])  # as known on 12 June
    # the stops count in the figures: out of 保 at the end of June, one more stop in the month's report
    june = dibao.json("report", "monthly", "--month", "2025-06", "--json")
    shown = dibao.json("household", "show", silent)
    assert shown["status"] == "停保"
    assert june["stopped_households"] >= 3
    text = dibao("inspect", "--year", "2025").stdout
    assert "迁出" in text


def test_a_taper_that_ran_out_without_a_decision_is_found(tmp_path: Path) -> None:
    data = basis_county.build(tmp_path / "county", "差额")
    run = Runner(tmp_path / "home")
    run("init")
    shutil.copy(tmp_path / "county" / "policy.toml", run.home / "policy.toml")
    json.loads(run("ingest", str(tmp_path / "county" / "inbox"), "--quiet", "--json").stdout)
    assert data
    assert _by_household(run, "2025") == {}  # still tapering at the end of 2025
    assert _by_household(run, "2026") == {"H03": {"taper_ended_no_decision"}}
    found = [f for f in run.json("inspect", "--year", "2026")["findings"] if f["code"] == "taper_ended_no_decision"]
    assert found[0]["detail"]["taper_end"] == "2026-01-01"
    due = [d for d in run.json("cases", "due", "--on", "2026-01-15")["steps"] if d["step"] == "渐退期满"]
    assert [(d["household_id"], d["due"], d["late"]) for d in due] == [("H03", "2026-01-01", True)]
    run("cases", "stop", "H03", "--date", "2026-01-20", "--reason", "渐退期满", "--notified", "2026-01-21")
    assert _by_household(run, "2026") == {}


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed (scripts/install-debian.sh)")
def test_stop_notice_and_consent_forms_as_printed(dibao, tmp_path: Path) -> None:
    from tests.generators.pages import page_images, page_texts

    data = samplecounty.build(tmp_path / "county", seed=11, per_village=5, scans=False)
    dibao("ingest", str(tmp_path / "county" / "inbox"), "--quiet")
    family = max((h for h in data["households"] if h["in_care_2025"]), key=lambda h: len(h["members"]))
    key = family["household_id"]
    dibao("cases", "stop", key, "--date", "2025-06-10", "--reason", "家庭收入增加，超标", "--notified", "2025-06-11")
    stop = tmp_path / "停保告知书.pdf"
    dibao("form", "停保告知书", key, "-o", str(stop))
    text = page_texts(stop)[0].replace(" ", "").replace("\n", "")
    assert "最低生活保障停止保障告知书" in text and "家庭人均收入已高于当地最低生活保障标准" in text
    assert "2025年6月10日起停止" in text and "申请复核" in text and "行政复议" in text
    consent = tmp_path / "授权书.pdf"
    dibao("form", "授权书", key, "-o", str(consent))
    text = page_texts(consent)[0].replace(" ", "")
    import datetime as dt

    today = dt.date.today()
    adult_born = f"{today.year - 18}{today:%m%d}"
    adults = [m["name"] for m in family["members"] if m["id_number"][6:14] <= adult_born]
    minors = [m["name"] for m in family["members"] if m["id_number"][6:14] > adult_born]
    assert adults and all(text.count(n) >= 2 for n in adults)  # the members' table and the row to sign
    assert all(text.count(n) == 1 for n in minors) and "本人签字" in text
    assert "存款" in text and "车辆" in text and "房产" in text and "工商登记" in text and "公积金" in text
    assert not any(m["id_number"] in text for m in family["members"])  # ID numbers masked
    for pdf in (stop, consent):
        (img,) = page_images(pdf, tmp_path)
        w, h = img.size
        assert h > w  # A4 portrait, one page


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed (scripts/install-debian.sh)")
def test_reduction_notice_as_printed(dibao, tmp_path: Path) -> None:
    """The 减保告知书 states the latest 调减 from the change list (date, amount before and after) and the right to
    申请复核; a household with no reduction gets marked prompts, never invented figures."""
    from tests.generators.pages import page_images, page_texts

    data = samplecounty.build(tmp_path / "county", seed=11, per_village=5, scans=False)
    dibao("ingest", str(tmp_path / "county" / "inbox"), "--quiet")
    cut = next(h for h in data["households"] if any(c[1] == "调减" for c in h["changes"]))
    day, _, old, new = max(c for c in cut["changes"] if c[1] == "调减")
    out = tmp_path / "减保告知书.pdf"
    dibao("form", "减保告知书", cut["household_id"], "-o", str(out))
    text = page_texts(out)[0].replace(" ", "").replace("\n", "")
    assert "最低生活保障金减发告知书" in text and cut["head_name"] in text
    assert f"由{old:,.2f}元调整为{new:,.2f}元" in text, text
    assert "申请复核" in text and "行政复议" in text and "【待填写" not in text.split("决定自")[1].split("元调整")[0]
    (img,) = page_images(out, tmp_path)
    assert img.size[1] > img.size[0]  # A4 portrait, one page
    none = next(h for h in data["households"] if not any(c[1] == "调减" for c in h["changes"]))
    plain = tmp_path / "无减发.pdf"
    dibao("form", "减保告知书", none["household_id"], "-o", str(plain))
    text = page_texts(plain)[0].replace(" ", "").replace("\n", "")
    assert "【待填写：原金额】" in text and "【待填写：调整后金额】" in text
