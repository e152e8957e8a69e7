"""The web front door over HTTP: login required everywhere, area scoping by URL and id (IDOR), CSRF on
forms, lock-out, and an audit entry for every view and download. (Browser tests: issue #7.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from archiver.home import Home
from dibao.samplescans import render_form, to_jpeg
from dibao.web.app import create_app
from tests.builders import roster_rows, small_county, write_xlsx

ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture
def site(dibao, tmp_path: Path):
    c = small_county(seed=40, n=4)
    for i, h in enumerate(c):
        h["village"] = "一村" if i < 2 else "二村"
    write_xlsx(tmp_path / "roster.xlsx", roster_rows(c))
    head = c[2]["members"][0]
    (tmp_path / "SCAN_1.jpg").write_bytes(to_jpeg(render_form(["收入证明", f"兹证明{head[0]}（身份证号：{head[1]}）", "2025年1月2日"])))
    dibao("ingest", str(tmp_path), "--quiet")
    dibao("user", "add", "县局", "--role", "county", "--password", "county-pass-1")
    dibao("user", "add", "一村", "--role", "village", "--area", "一村", "--password", "village-pass-1")
    client = TestClient(create_app(Home(dibao.home)), base_url="https://testserver")
    return client, c, dibao


def login(client: TestClient, name: str, password: str) -> None:
    r = client.post("/login", data={"name": name, "password": password}, follow_redirects=False)
    assert r.status_code == 303, r.text


def test_every_route_needs_login_and_leaks_nothing(site) -> None:
    client, c, _ = site
    doc_id = "1"
    for path in ["/", "/search?q=" + c[0]["members"][0][0], f"/households/{c[0]['no']}", f"/household/{c[0]['no']}",
                 f"/documents/{doc_id}", "/api/households"]:
        r = client.get(path, follow_redirects=False)
        assert r.status_code in (303, 401), path
        assert c[0]["members"][0][0] not in r.text and not ID_RE.search(r.text)


def test_village_user_sees_only_their_village_by_any_url(site) -> None:
    client, c, dibao = site
    login(client, "一村", "village-pass-1")
    mine, other = c[0], c[2]
    r = client.get(f"/households/{mine['no']}")
    assert r.status_code == 200 and mine["members"][0][0] in r.text
    assert not ID_RE.search(r.text)  # IDs masked on the page
    for path in [f"/households/{other['no']}", f"/households/{other['members'][0][1]}"]:
        r = client.get(path)
        assert r.status_code == 404 and other["members"][0][0] not in r.text
    docs = dibao.json("household", "show", other["no"])["documents"]
    assert client.get(f"/documents/{docs[0]['document_id']}").status_code == 404
    listed = {h["household_id"] for h in client.get("/api/households").json()["households"]}
    assert listed == {c[0]["no"], c[1]["no"]}
    r = client.get("/search", params={"q": other["members"][0][0]})
    assert other["no"] not in r.text
    denied = [e for e in dibao.json("audit")["entries"] if e["action"] == "denied" and e["user"] == "一村"]
    assert len(denied) >= 3


def test_county_user_views_and_downloads_are_audited(site) -> None:
    client, c, dibao = site
    login(client, "县局", "county-pass-1")
    h = c[2]
    doc = dibao.json("household", "show", h["no"])["documents"][0]
    assert client.get(f"/households/{h['no']}").status_code == 200
    r = client.get(f"/documents/{doc['document_id']}")
    assert r.status_code == 200 and r.content[:3] == b"\xff\xd8\xff"
    actions = [(e["user"], e["action"], e["target"]) for e in dibao.json("audit", "--user", "县局")["entries"]]
    assert ("县局", "household.view", h["no"]) in actions
    assert ("县局", "document.view", doc["document_id"]) in actions


def test_logout_needs_the_csrf_token_and_lockout_after_failures(site) -> None:
    client, c, dibao = site
    login(client, "县局", "county-pass-1")
    assert client.post("/logout", data={"csrf": "forged"}, follow_redirects=False).status_code == 404
    assert client.get("/", follow_redirects=False).status_code == 200  # still logged in
    fresh = TestClient(client.app, base_url="https://testserver")
    for _ in range(5):
        assert fresh.post("/login", data={"name": "一村", "password": "wrong-password"}).status_code == 401
    r = fresh.post("/login", data={"name": "一村", "password": "village-pass-1"})
    assert r.status_code == 401 and "锁定" in r.text
    assert sum(e["action"] == "login.failed" for e in dibao.json("audit", "--user", "一村")["entries"]) == 5
