"""The dashboard, the households filter, the household page, the statistics and the 检查通报 read one review
clock (generators/rules/review_clock.py): on the same day they name the same overdue households — a class
that falls due earlier this month and a household without a class (reviewed at the longest interval)
included, the two cases where the pages' own copies used to disagree."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from archiver.catalog import Catalog
from archiver.home import Home
from archiver.policy import load as load_policy
from generators import inspection, stats
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import Runner

from .conftest import COUNTY, web_client

pytestmark = pytest.mark.cli


def _ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def test_every_page_names_the_same_overdue_households_on_the_same_day(tmp_path: Path) -> None:
    run = Runner(tmp_path / "home")
    run("init")
    c = small_county(seed=26, n=5)
    # (class, approved): A 13 months ago — overdue; B 2 months ago — not; C about 100 days ago — overdue
    # (3 months); no class 13 months ago — overdue at the longest interval (12); A 11 months ago — not
    for h, (klass, approved) in zip(c, [("A", _ago(400)), ("B", _ago(60)), ("C", _ago(100)), ("", _ago(400)),
                                        ("A", _ago(330))], strict=True):
        h.update(category=klass, approved=approved)
    month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    (tmp_path / "in").mkdir()
    write_xlsx(tmp_path / "in" / "roster.xlsx",
               roster_rows(c, title=f"测试镇{month.year}年{month.month}月城乡低保花名册"))
    run("ingest", str(tmp_path / "in"), "--quiet")
    run("user", "add", COUNTY[0], "--role", "county", "--password", COUNTY[1])
    expected = {c[0]["no"], c[2]["no"], c[3]["no"]}
    today = dt.date.today().isoformat()

    home = Home(tmp_path / "home")
    policy = load_policy(home.root)
    cat = Catalog.of(home)
    figures = stats.compute(cat, dt.date.today().year, None, policy, monthly_series=False,
                            period=(today[:8] + "01", today))
    found = {f.households[0] for f in inspection.run(cat, None, None, policy) if f.code == "overdue_review"}
    cat.close()
    assert figures["overdue_reviews"] == len(expected)
    assert found == expected

    web = web_client(tmp_path / "home", COUNTY)
    dashboard = web.get("/").text
    listed = re.search(r'<table id="overdue-list">(.*?)</table>', dashboard, re.S)
    assert listed and set(re.findall(r'href="/households/(\d+)"', listed.group(1))) == expected
    assert re.search(r'<b id="overdue">(\d+)</b>', dashboard).group(1) == str(len(expected))  # type: ignore[union-attr]

    filtered = web.get("/households", params={"overdue": "1"}).text
    assert set(re.findall(r'href="/households/(\d+)"', filtered)) == expected

    for h in c:
        page = web.get(f"/households/{h['no']}").text
        assert ("已逾期" in page.split('id="next-review"')[1].split("</td>")[0]) == (h["no"] in expected), h
