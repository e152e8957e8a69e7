"""Fixtures the document tests share."""

from __future__ import annotations

import pytest

from dibao import samplecounty
from tests.conftest import Runner


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A small generated county plus a short 公示 record and a disbursement row that does not match."""
    import openpyxl

    from tests.generators.pages import text_pdf

    base = tmp_path_factory.mktemp("planted")
    data = samplecounty.build(base / "county", seed=33, per_village=5, scans=False)
    inbox = base / "county" / "inbox"
    run = Runner(base / "home")
    run("init")
    run("ingest", str(inbox), "--quiet")
    listed = run.json("household", "list")["households"]
    new = next(h for h in listed for e in run.json("household", "show", h["household_id"])["events"]
               if e["kind"] == "新增" and e["date"].startswith("2025"))
    shown = run.json("household", "show", new["household_id"])
    head_id = next(h["head_id"] for h in data["households"] if h["household_id"] == new["household_id"])
    # a 公示记录 with a 3-day period (text layer, so no OCR)
    extra = base / "extra"
    extra.mkdir()
    text_pdf(["低保对象公示记录", f"户主：{shown['head']['name']}  身份证号：{head_id}",
              "公示期：2025年6月1日至2025年6月3日", "公示日期：2025年6月1日"], extra / f"公示记录_{shown['head']['name']}.pdf")
    # one disbursement row far above what is due
    stay = next(h for h in data["households"] if h["in_care_2025"])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["测试县2025年第4季度低保金补发花名册"])
    ws.append(["序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "发放期间", "发放金额", "银行账号"])
    ws.append([1, stay["township"], stay["village"], stay["head_name"], stay["head_id"], len(stay["members"]),
               "2025年12月", 5000, "6228000011112222333"])
    wb.save(extra / "补发花名册.xlsx")
    run("ingest", str(extra), "--quiet")
    out = base / "summary.docx"
    run("report", "summary", "--year", "2025", "-o", str(out))
    return run, base, out, stay
