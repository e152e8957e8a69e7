"""The objections register and the 月报 in the browser's routes: a village user registers and closes an
objection on their own household, sees their area's register only, and downloads their area's 月报."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.dibao.web.conftest import COUNTY, VILLAGE, Site, build_site, csrf, web_client

pytestmark = pytest.mark.ocr

NAME = "钱多多"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build_site(tmp_path_factory.mktemp("objweb"))


def test_register_add_close_and_the_name_stays_in_it(site: Site) -> None:
    c = web_client(site.dibao.home, VILLAGE)
    token = csrf(c)
    r = c.post("/objections", data={"csrf": token, "household": site.mine["no"], "kind": "举报", "date": "2025-05-06",
                                    "by": NAME, "text": "反映该户有经营收入"}, follow_redirects=True)
    assert r.status_code == 200 and NAME in r.text and "反映该户有经营收入" in r.text
    assert "逾期" in r.text  # 15 working days after 2025-05-06 are long past
    bad = c.post("/objections", data={"csrf": token, "household": site.mine["no"], "kind": "举报", "date": "5月6日",
                                      "text": "x"})
    assert bad.status_code == 400 and "受理日期" in bad.text
    oid = site.dibao.json("objection", "list", "--json")["objections"][-1]["id"]
    early = c.post(f"/objections/{oid}/close", data={"csrf": token, "date": "2025-05-01", "result": "属实",
                                                     "finding": "x"})
    assert early.status_code == 400
    r = c.post(f"/objections/{oid}/close", data={"csrf": token, "date": "2025-05-20", "result": "部分属实",
                                                 "finding": "有季节性零工收入"}, follow_redirects=True)
    assert r.status_code == 200 and "部分属实" in r.text
    assert NAME not in c.get(f"/households/{site.mine['no']}").text
    audit = " ".join(f"{e['target']} {e['detail']}" for e in site.audit())
    assert NAME not in audit and "view.objections" in {e["action"] for e in site.audit(VILLAGE[0])}
    # the county sees it; another area's register does not list it for the village user
    county = web_client(site.dibao.home, COUNTY)
    assert NAME in county.get("/objections").text


def test_monthly_report_downloads_for_the_users_area(site: Site) -> None:
    c = web_client(site.dibao.home, VILLAGE)
    token = csrf(c)
    r = c.post("/reports/monthly", data={"csrf": token, "month": "2025-12"})
    assert r.status_code == 200, r.text[:300]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    assert "一村2025年12月最低生活保障工作月报" in str(ws["A1"].value)
    want = site.dibao.json("report", "monthly", "--month", "2025-12", "--scope", "一村", "--json")
    total = next(row for row in ws.iter_rows(values_only=True) if row[1] == "合计")
    assert total[2] == want["households_end"] and total[5] == want["persons_end"]
    q = c.post("/reports/monthly", data={"csrf": token, "quarter": "2025Q5"})
    assert q.status_code == 400 and "季度格式" in q.text


def test_edge_list_shows_the_users_area_only(site: Site) -> None:
    site.dibao("cases", "stop", site.mine["no"], "--date", "2025-08-01", "--reason", "收入超标")
    site.dibao("cases", "stop", site.other["no"], "--date", "2025-08-01", "--reason", "迁出")
    c = web_client(site.dibao.home, VILLAGE)
    r = c.get("/edge?since=2025-01-01")
    assert r.status_code == 200 and site.mine["members"][0][0] in r.text
    assert site.other["members"][0][0] not in r.text and "收入超标" in r.text and "迁出" not in r.text
    assert c.get("/edge?since=昨天").status_code == 400
    x = c.post("/edge/export", data={"csrf": csrf(c), "since": "2025-01-01"})
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    keys = [row[3] for row in ws.iter_rows(min_row=3, values_only=True) if row[3]]
    assert keys == [site.mine["no"]]
    assert "export.edge" in {e["action"] for e in site.audit(VILLAGE[0])}
