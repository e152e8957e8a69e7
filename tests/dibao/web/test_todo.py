"""The dashboard's 待办 panel over real HTTP: steps coming due in the user's own area only, soonest first."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from archiver.home import Home
from dibao.web.app import create_app
from tests.builders import person_id
from tests.casepacks import _pdf, former_recipients
from tests.conftest import Runner

pytestmark = pytest.mark.cli


def _login(home: Path, name: str, password: str) -> TestClient:
    c = TestClient(create_app(Home(home)), base_url="https://testserver")
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text)
    assert token
    r = c.post("/login", data={"name": name, "password": password, "csrf": token.group(1)}, follow_redirects=False)
    assert r.status_code == 303
    return c


def test_todo_panel_shows_the_areas_pending_decisions(dibao: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    today = dt.date.today()
    people = [("东待办", person_id("19700303", seq=71), "东村", today - dt.timedelta(days=70)),
              ("西待办", person_id("19710303", seq=72), "西村", today - dt.timedelta(days=3))]
    former_recipients(folder, [(n, idn, v, "") for n, idn, v, _ in people])
    for n, idn, _, day in people:
        (folder / f"{n}.pdf").write_bytes(_pdf(["最低生活保障申请书", f"申请人：{n}  身份证号：{idn}",
                                                f"申请日期：{day.year}年{day.month}月{day.day}日"]))
    dibao("ingest", str(folder), "--quiet")
    dibao("user", "add", "县", "--role", "county", "--password", "county-pass-9")
    dibao("user", "add", "西", "--role", "village", "--area", "西村", "--password", "village-pass-9")
    county = _login(dibao.home, "县", "county-pass-9").get("/").text
    panel = county[county.index('id="todo"'):]
    assert panel.index("东待办") < panel.index("西待办")  # the older application is due first
    assert "已逾期" in panel.split("西待办")[0] and "作出决定" in panel
    village = _login(dibao.home, "西", "village-pass-9").get("/").text
    assert 'id="todo"' in village and "西待办" in village and "东待办" not in village
    assert people[1][1] not in village


def test_household_page_shows_the_case_steps(dibao: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    idn = person_id("19720404", seq=73)
    former_recipients(folder, [("刘页面", idn, "东村", "")])
    (folder / "a.pdf").write_bytes(_pdf(["最低生活保障申请书", f"申请人：刘页面  身份证号：{idn}", "申请日期：2025年3月3日"]))
    (folder / "b.pdf").write_bytes(_pdf(["低保公示记录", f"公示对象：刘页面  身份证号：{idn}",
                                         "公示时间：自2025年3月17日起至2025年3月23日止"]))
    dibao("ingest", str(folder), "--quiet")
    dibao("user", "add", "县", "--role", "county", "--password", "county-pass-9")
    key = dibao.json("household", "show", idn)["household_id"]
    page = _login(dibao.home, "县", "county-pass-9").get(f"/households/{key}").text
    table = page[page.index('id="cases"'):page.index("</table>", page.index('id="cases"'))]
    assert "新增（进行中）" in table and "2025-03-17 至 2025-03-23" in table and "第1榜" in table
    assert "2025-04-15" in table and "逾期" in table  # 30 working days from 3 March; undecided since
    assert idn not in page
