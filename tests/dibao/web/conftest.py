"""A small archive for the web tests, built once per module through the real CLI: two villages, a
filed scan in each, a scan nobody can place (quarantine), a county user and a village user."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from httpx import Response

from dibao.samplescans import render_form, to_jpeg
from tests.builders import person_id, roster_rows, small_county, write_xlsx
from tests.conftest import Runner

COUNTY = ("县局", "county-pass-1")
VILLAGE = ("一村", "village-pass-1")


@dataclass
class Site:
    dibao: Runner
    county: list[dict]
    mine: dict  # a household of 一村 (the village user's own)
    other: dict  # a household of 二村

    def docs(self, h: dict) -> list[dict]:
        return self.dibao.json("household", "show", h["no"])["documents"]

    def quarantine_id(self) -> int:
        return int(self.dibao.json("quarantine", "list")["items"][0]["file_id"])

    def audit(self, user: str | None = None) -> list[dict]:
        return self.dibao.json("audit", *(["--user", user] if user else []))["entries"]


def web_client(home: Path, who: tuple[str, str] | None = None) -> TestClient:
    """A client of the app over the home (https, so the Secure cookie is sent), logged in as `who`."""
    from archiver.home import Home
    from dibao.web.app import create_app

    c = TestClient(create_app(Home(home)), base_url="https://testserver")
    if who:
        r = login(c, *who)
        assert r.status_code == 303, r.text
    return c


def login(c: TestClient, name: str, password: str) -> Response:
    """As a browser does: the form's token comes with a cookie, and both go back with the post."""
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text)
    assert token
    return c.post("/login", data={"name": name, "password": password, "csrf": token.group(1)}, follow_redirects=False)


def csrf(c: TestClient) -> str:
    """The session's CSRF token, as every page carries it."""
    m = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert m
    return m.group(1)


def finish_job(c: TestClient, started: Response) -> tuple[str, Response]:
    """Follow a job the way its page does (every second, as htmx asks) until it ends: (its page's last
    status fragment, the result's download — or the error page's answer when it failed)."""
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/"), started.text
    url = started.headers["location"]
    for _ in range(600):
        body = c.get(url, headers={"HX-Request": "true"}).text
        if "job-result" in body or "job-error" in body:
            break
        assert 'id="job-progress"' in body
        time.sleep(0.2)
    return body, c.get(url + "/result")


def build_site(root: Path) -> Site:
    run = Runner(root / "home")
    run("init")
    c = small_county(seed=40, n=4)
    src = root / "in"
    src.mkdir()
    write_xlsx(src / "roster.xlsx", roster_rows(c))
    raised = next(h for h in c if h["village"] == "二村")  # one change, so 二村 has a notice to post in Dec 2025
    write_xlsx(src / "changes.xlsx", [["测试镇2025年12月低保变动名册"], ["序号", "乡镇", "村", "户主姓名", "户主身份证号", "变动类型",
                                      "变动日期", "原保障人数", "现保障人数", "原金额", "现金额", "变动原因"],
                                     [1, raised["township"], raised["village"], raised["members"][0][0], raised["members"][0][1],
                                      "调增", "2025-12-05", len(raised["members"]), len(raised["members"]),
                                      raised["amount"], raised["amount"] + 50, "家庭收入减少"]])
    for i, h in enumerate(c[:2]):
        name, idn, _ = h["members"][0]
        (src / f"SCAN_{i}.jpg").write_bytes(to_jpeg(render_form(["收入证明", f"兹证明{name}（身份证号：{idn}）", "2025年1月2日"])))
    stranger = person_id("19800101", seq=77)
    (src / "SCAN_9.jpg").write_bytes(to_jpeg(render_form(["入户调查表", f"申请人：路人甲 身份证号：{stranger}", "2025年3月4日"])))
    run("ingest", str(src), "--quiet")
    run("user", "add", COUNTY[0], "--role", "county", "--password", COUNTY[1])
    run("user", "add", VILLAGE[0], "--role", "village", "--area", "一村", "--password", VILLAGE[1])
    mine = next(h for h in c if h["village"] == "一村")
    other = next(h for h in c if h["village"] == "二村")
    return Site(run, c, mine, other)
