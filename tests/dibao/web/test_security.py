"""The web interface's security suite over HTTP: every route refuses a request without a login, every
route with an object refuses another area's object (IDOR), every form refuses a request without the
CSRF token — and every refusal is in the audit log. A route added without a case here fails the first
test, so the suite cannot silently fall behind the app."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from archiver.catalog import Catalog
from archiver.home import Home
from dibao.web.app import create_app
from tests.conftest import Runner
from tests.dibao.web.conftest import COUNTY, VILLAGE, Site, build_site, csrf, finish_job, login, web_client

pytestmark = pytest.mark.cli

ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
PUBLIC = {("GET", "/login"), ("POST", "/login")}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build_site(tmp_path_factory.mktemp("web"))


def client(site: Site, who: tuple[str, str] | None = None) -> TestClient:
    return web_client(site.dibao.home, who)


def foreign_requests(site: Site) -> dict[tuple[str, str], tuple[str, dict]]:
    """For every route: a request that names an object outside 一村 (or, for routes without an object,
    a plain request). (method, route path) → (url, form data)."""
    other, doc = site.other, site.docs(site.other)[0]["document_id"]
    q = site.quarantine_id()
    sheet = sheet_file(site, "changes.xlsx")  # an imported sheet whose rows are all in 二村
    return {
        ("GET", "/"): ("/", {}),
        ("GET", "/search"): ("/search?q=" + other["members"][0][0], {}),
        ("GET", "/households/{key:path}"): (f"/households/{other['no']}", {}),
        ("GET", "/household/{key:path}"): (f"/household/{other['members'][0][1]}", {}),
        ("POST", "/households/{key:path}/members/{n}/reveal"): (f"/households/{other['no']}/members/0/reveal", {}),
        ("POST", "/households/{key:path}/reviews"): (f"/households/{other['no']}/reviews", {"date": "2025-12-01", "result": "维持"}),
        ("GET", "/documents/{doc_id}"): (f"/documents/{doc}", {}),
        ("GET", "/documents/{doc_id}/view"): (f"/documents/{doc}/view", {}),
        ("GET", "/documents/{doc_id}/pages/{n}"): (f"/documents/{doc}/pages/1", {}),
        ("GET", "/documents/{doc_id}/thumb"): (f"/documents/{doc}/thumb", {}),
        ("GET", "/api/households"): ("/api/households", {}),
        ("GET", "/quarantine"): ("/quarantine", {}),
        ("GET", "/quarantine/{item_id}"): (f"/quarantine/{q}", {}),
        ("GET", "/quarantine/{item_id}/pages/{n}"): (f"/quarantine/{q}/pages/1", {}),
        ("GET", "/quarantine/{item_id}/households"): (f"/quarantine/{q}/households?q=测试", {}),
        ("POST", "/quarantine/{item_id}/assign"): (f"/quarantine/{q}/assign", {"household": site.mine["no"]}),
        ("GET", "/upload"): ("/upload", {}),
        ("GET", "/upload/status"): ("/upload/status", {}),
        ("POST", "/upload"): ("/upload", {}),
        ("GET", "/reports"): ("/reports", {}),
        ("POST", "/reports/summary"): ("/reports/summary", {"year": "2025", "scope": "二村"}),
        ("POST", "/reports/notice"): ("/reports/notice", {"village": "二村", "kind": "新增"}),
        ("POST", "/reports/inspection"): ("/reports/inspection", {"year": "2025", "scope": "二村"}),
        ("POST", "/reports/dossier"): ("/reports/dossier", {"key": other["no"]}),
        ("POST", "/reports/reviews"): ("/reports/reviews", {"month": "2025-12", "scope": "二村"}),
        ("GET", "/account"): ("/account", {}),
        ("GET", "/applicants/new"): ("/applicants/new", {}),
        ("POST", "/applicants/new"): ("/applicants/new", {"village": "二村", "name": "外村申请人",
                                                          "id_number": "520102199001011237"}),
        ("POST", "/account/password"): ("/account/password", {"current": "x", "new": "y" * 8, "again": "y" * 8}),
        ("GET", "/audit"): ("/audit", {}),
        ("POST", "/logout"): ("/logout", {}),
        # corrections, 回收站, browsing, the county's users page (issue 13)
        ("GET", "/households"): ("/households?village=二村", {}),
        ("GET", "/trash"): ("/trash", {}),
        ("POST", "/documents/{doc_id}/edit"): (f"/documents/{doc}/edit", {"note": "改", "household": site.mine["no"]}),
        ("POST", "/documents/{doc_id}/trash"): (f"/documents/{doc}/trash", {"reason": "测试"}),
        ("POST", "/documents/{doc_id}/restore"): (f"/documents/{doc}/restore", {}),
        ("POST", "/households/{key}/edit"): (f"/households/{other['no']}/edit", {"note": "改"}),
        ("POST", "/households/{key}/members/{n}/coverage"): (f"/households/{other['no']}/members/0/coverage",
                                                            {"covered": "no", "reason": "测试"}),
        ("POST", "/households/{key}/bank/reveal"): (f"/households/{other['no']}/bank/reveal", {}),
        ("POST", "/households/{key}/coversheet"): (f"/households/{other['no']}/coversheet", {}),
        ("POST", "/quarantine/{item_id}/reject"): (f"/quarantine/{q}/reject", {"reason": "测试"}),
        ("GET", "/users"): ("/users", {}),
        ("POST", "/users"): ("/users", {"name": "x1", "role": "村", "area": "二村", "password": "x" * 8}),
        ("POST", "/users/{name}/disable"): (f"/users/{COUNTY[0]}/disable", {}),
        ("POST", "/users/{name}/enable"): (f"/users/{COUNTY[0]}/enable", {}),
        ("POST", "/users/{name}/password"): (f"/users/{COUNTY[0]}/password", {"new": "y" * 8}),
        ("POST", "/users/{name}/set"): (f"/users/{COUNTY[0]}/set", {"role": "村", "area": "二村"}),
        ("POST", "/jobs"): ("/jobs", {"kind": "dossiers", "village": "二村"}),
        ("GET", "/jobs/{job_id}"): ("/jobs/0123456789abcdef", {}),  # another user's job: test_jobs.py
        ("GET", "/jobs/{job_id}/result"): ("/jobs/0123456789abcdef/result", {}),
        # the import review (issue 23)
        ("GET", "/imports"): ("/imports", {}),
        ("GET", "/imports/{file_id}"): (f"/imports/{sheet}", {}),
        ("GET", "/imports/{file_id}/rejected.xlsx"): (f"/imports/{sheet}/rejected.xlsx", {}),
        ("POST", "/imports/{file_id}/confirm"): (f"/imports/{sheet}/confirm", {"map_member_id": "身份证号"}),
        # the 月报 and the objections register (issue 27)
        ("POST", "/reports/monthly"): ("/reports/monthly", {"month": "2025-12", "scope": "二村"}),
        ("GET", "/objections"): ("/objections", {}),
        ("POST", "/objections"): ("/objections", {"household": other["no"], "kind": "信访", "date": "2025-06-01",
                                                  "text": "反映问题"}),
        ("GET", "/edge"): ("/edge?since=2025-01-01", {}),
        ("POST", "/edge/export"): ("/edge/export", {"since": "2025-01-01"}),
        ("POST", "/objections/{oid}/close"): (f"/objections/{objection_of(site, other)}/close",
                                              {"date": "2025-06-09", "result": "不属实", "finding": "核查"}),
        # settings (issue 25): administrators only
        ("GET", "/settings"): ("/settings", {}),
        ("POST", "/settings"): ("/settings", {"key": "office.name", "value": "外人改的名"}),
        # 我的任务 (issue 25): one's own tasks only
        ("GET", "/tasks"): ("/tasks", {}),
        ("POST", "/tasks/{task_id}/delete"): ("/tasks/999999/delete", {}),
        ("GET", "/audit/export"): ("/audit/export", {}),
        ("POST", "/households/{key}/photo"): (f"/households/{other['no']}/photo", {"doc_type": "收入证明"}),
        # a stop decision and a 核对 from the household page (issue 27): township and county only
        ("POST", "/households/{key:path}/stop"): (f"/households/{other['no']}/stop", {"date": "2025-06-01",
                                                                                      "reason": "迁出"}),
        ("POST", "/households/{key:path}/verify"): (f"/households/{other['no']}/verify", {"date": "2025-06-01",
                                                                                          "result": "符合"}),
        ("GET", "/suggest/households"): ("/suggest/households?q=" + other["members"][0][0][:1], {}),
    }


def sheet_file(site: Site, name: str) -> int:
    cat = Catalog.of(Home(site.dibao.home))  # either dialect (DIBAO_TEST_POSTGRES)
    try:
        return int(next(f["id"] for f in cat.files() if f["source_name"] == name))
    finally:
        cat.close()


def objection_of(site: Site, h: dict) -> str:
    """The id of an objection registered on household `h` (one, made on first use)."""
    import json

    listed = json.loads(site.dibao("objection", "list", "--json").stdout)["objections"]
    mine = [o["id"] for o in listed if o["household_id"] == h["no"]]
    if mine:
        return mine[0]
    return site.dibao("objection", "add", "--kind", "举报", "--date", "2025-06-01", "--household", h["no"],
                      "--by", "举报人", "--text", "反映问题").stdout.strip()


def routes(items) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every (method, path) the app answers, including those of included routers (FastAPI ≥ 0.165
    keeps those behind a wrapper with the router as `original_router`)."""
    out = set()
    for r in items:
        if isinstance(r, APIRoute):
            out |= {(m, r.path) for m in r.methods}
        elif hasattr(r, "original_router"):
            out |= routes(r.original_router.routes)
    return out


def send(c: TestClient, method: str, url: str, data: dict, token: str | None = None):  # type: ignore[no-untyped-def]
    if method == "GET":
        return c.get(url, follow_redirects=False)
    return c.post(url, data={**data, **({"csrf": token} if token else {})}, follow_redirects=False)


def denied_count(site: Site, user: str | None = None) -> int:
    return sum(e["action"] == "denied" for e in site.audit(user))


@pytest.mark.ocr
def test_every_route_has_a_security_case(site: Site) -> None:
    app = create_app(Home(site.dibao.home))
    assert routes(app.routes) - PUBLIC == set(foreign_requests(site)), "add the new route to foreign_requests()"


@pytest.mark.ocr
def test_without_login_every_route_is_refused_audited_and_leaks_nothing(site: Site) -> None:
    c = client(site)
    secret_names = {m[0] for h in site.county for m in h["members"]}
    before = denied_count(site)
    cases = foreign_requests(site)
    for (method, _), (url, data) in cases.items():
        r = send(c, method, url, data)
        assert r.status_code in (303, 401), (method, url, r.status_code)
        assert not ID_RE.search(r.text) and not any(n in r.text for n in secret_names), url
    assert denied_count(site) - before == len(cases)


@pytest.mark.ocr
def test_no_cross_area_read_by_url_or_id(site: Site) -> None:
    """As the 一村 user, every object of 二村 (and the county's quarantine) answers 404, audited."""
    c = client(site, VILLAGE)
    token = csrf(c)
    other_names = {m[0] for m in site.other["members"]}
    before = denied_count(site, VILLAGE[0])
    refused = 0
    for (method, path), (url, data) in foreign_requests(site).items():
        if path == "/logout":
            continue
        r = send(c, method, url, data, token)
        body = r.text if "text" in r.headers.get("content-type", "") or "json" in r.headers.get("content-type", "") else ""
        assert not any(n in body for n in other_names if n not in url), (url, "leaked a name")  # a query is echoed
        assert site.other["no"] not in body or site.other["no"] in url + str(data), (url, "leaked a household number")
        assert not ID_RE.search(body), (url, "leaked an ID")
        if (method, path) == ("POST", "/reports/dossier"):  # a household box: the form comes back, saying so
            assert r.status_code == 400 and "您的辖区内没有找到" in r.text, (method, url, r.status_code)
            refused += 1
        elif "{" in path or path.startswith(("/reports/", "/users", "/jobs", "/settings")) or path.startswith("/audit") or \
                (method, path) in (("POST", "/applicants/new"), ("POST", "/objections")):  # outside 一村, or county only
            assert r.status_code == 404, (method, url, r.status_code)
            refused += 1
        elif path == "/account/password":
            assert r.status_code == 400  # the current password given is wrong
        else:
            assert r.status_code in (200, 303), (method, url, r.status_code)
    assert denied_count(site, VILLAGE[0]) - before == refused
    # what the area lists show: only 一村
    listed = {h["household_id"] for h in c.get("/api/households").json()["households"]}
    assert listed == {h["no"] for h in site.county if h["village"] == "一村"}
    assert "隔离区是空的" in c.get("/quarantine").text  # the unplaced scan stays with the county


@pytest.mark.ocr
def test_every_form_refuses_a_missing_or_forged_csrf_token(site: Site) -> None:
    c = client(site, COUNTY)
    before = denied_count(site, COUNTY[0])
    posts = [(url, data) for (m, _), (url, data) in foreign_requests(site).items() if m == "POST"]
    for url, data in posts:
        assert send(c, "POST", url, data).status_code == 403, url
        assert send(c, "POST", url, data, "forged-token").status_code == 403, url
    assert denied_count(site, COUNTY[0]) - before == 2 * len(posts)
    assert c.get("/", follow_redirects=False).status_code == 200  # still logged in: logout needed the token


@pytest.mark.ocr
def test_a_login_posted_from_elsewhere_is_refused(site: Site) -> None:
    """Before a session exists, the login form's own token (double submit with a cookie) stands in."""
    c = client(site)
    before = denied_count(site, COUNTY[0])
    r = c.post("/login", data={"name": COUNTY[0], "password": COUNTY[1]}, follow_redirects=False)
    assert r.status_code == 403 and "dibao_session" not in r.headers.get("set-cookie", "")
    c.get("/login")  # the cookie is set, but a forged form field does not match it
    r = c.post("/login", data={"name": COUNTY[0], "password": COUNTY[1], "csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert denied_count(site, COUNTY[0]) - before == 2


@pytest.mark.ocr
def test_county_views_and_exports_are_all_audited(site: Site) -> None:
    c = client(site, COUNTY)
    token = csrf(c)
    h = site.other
    doc = site.docs(h)[0]["document_id"]
    start = len(site.audit(COUNTY[0]))
    page = c.get(f"/households/{h['no']}")
    assert page.status_code == 200 and h["members"][0][0] in page.text and not ID_RE.search(page.text)
    assert c.get(f"/documents/{doc}").content[:3] == b"\xff\xd8\xff"
    assert "第1页" in c.get(f"/documents/{doc}/view").text
    assert c.get(f"/documents/{doc}/pages/1").content[:3] == b"\xff\xd8\xff"
    assert c.get(f"/documents/{doc}/thumb").content[:3] == b"\xff\xd8\xff"
    assert c.get(f"/documents/{doc}/pages/9").status_code == 404
    r = c.post(f"/households/{h['no']}/members/0/reveal", headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and h["members"][0][1] in r.text
    notice = c.post("/reports/notice", data={"csrf": token, "village": "二村", "kind": "调整", "start": "2025-12-01"})
    assert notice.status_code == 200 and notice.content[:4] == b"%PDF"
    town = c.post("/reports/notice", data={"csrf": token, "village": "测试镇", "kind": "调整", "start": "2025-12-01"})
    assert town.status_code == 200 and town.content[:4] == b"%PDF"  # every village of the township, one a page
    texts = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(town.content)).pages]
    titled = [t for t in texts if "调整最低生活保障金额对象公示" in t]  # approved in a change list: 调整, not 拟调整
    assert len(titled) == len(texts) and any("二村" in t for t in titled)  # a page per village with a change
    villager = client(site, VILLAGE)  # a village user may not post the township's notice
    assert villager.post("/reports/notice", data={"csrf": csrf(villager), "village": "测试镇", "kind": "调整"}).status_code == 404
    empty = c.post("/reports/notice", data={"csrf": token, "village": "二村", "kind": "新增", "start": "2025-12-01"})
    assert empty.status_code == 400 and "没有新增对象" in empty.text  # an empty selection is said, not a blank notice
    status, summary = finish_job(c, c.post("/reports/summary", data={"csrf": token, "year": "2025", "scope": ""},
                                           follow_redirects=False))
    assert "job-result" in status and "低保工作总结.docx" in status
    assert summary.status_code == 200 and summary.content[:2] == b"PK"
    dossier = c.post("/reports/dossier", data={"csrf": token, "key": h["no"]})
    assert dossier.status_code == 200 and dossier.content[:4] == b"%PDF"
    entries = site.audit(COUNTY[0])[start:]
    got = [(e["action"], e["target"]) for e in entries]
    for action in ["document.download", "document.view", "document.page", "document.thumb"]:
        assert (action, str(doc)) in got, action
    assert ("household.view", h["no"]) in got and ("member.reveal", h["no"]) in got
    assert {"export.notice", "export.summary", "export.dossier"} <= {a for a, _ in got}
    assert not any(ID_RE.search(e["target"] + e["detail"]) for e in site.audit())  # the audit log holds no full ID


@pytest.mark.ocr
def test_a_refused_report_explains_itself(site: Site) -> None:
    c = client(site, COUNTY)
    r = c.post("/reports/notice", data={"csrf": csrf(c), "village": "二村", "kind": "新增", "start": "2025-13-01"})
    assert r.status_code == 400 and "日期格式" in r.text


@pytest.mark.ocr
def test_upload_lands_in_the_inbox_and_is_audited(site: Site, tmp_path: Path) -> None:
    c = client(site, VILLAGE)
    r = c.post("/upload", data={"csrf": csrf(c)}, headers={"Accept": "application/json"},
               files=[("files", ("../../etc/SCAN 1.jpg", b"\xff\xd8\xff\xe0 not really", "image/jpeg"))])
    assert r.status_code == 200 and r.json()["saved"][0]["name"] == "SCAN 1.jpg"
    landed = list((site.dibao.home / "inbox").rglob("SCAN 1.jpg"))
    assert len(landed) == 1 and landed[0].read_bytes().startswith(b"\xff\xd8")
    assert not list((site.dibao.home / "inbox").rglob("*.part"))
    assert any(e["action"] == "upload" and e["detail"].startswith("sha256=") for e in site.audit(VILLAGE[0]))
    assert "等待处理" in c.get("/upload/status").text
    # once ingested, the page reads the outcome from the uploads table (joined with files by checksum): the
    # file sent again is a scan already on file (so the shared site gains no quarantine item) and shows as filed
    again = (site.dibao.home / site.docs(site.mine)[0]["path"]).read_bytes()
    r = c.post("/upload", data={"csrf": csrf(c)}, headers={"Accept": "application/json"},
               files=[("files", ("再次上传.jpg", again, "image/jpeg"))])
    assert r.status_code == 200
    site.dibao("ingest", str(next((site.dibao.home / "inbox").rglob("再次上传.jpg"))), "--quiet")
    status = c.get("/upload/status").text
    assert re.search(r"再次上传\.jpg</td><td[^>]*>(<[^>]+>)*已归档到 ", status)  # names the household (issue 25)
    assert re.search(r"SCAN 1\.jpg</td><td[^>]*>(<[^>]+>)*等待处理", status)


@pytest.mark.ocr
def test_lockout_after_repeated_failures(site: Site) -> None:
    site.dibao("user", "add", "二村", "--role", "village", "--area", "二村", "--password", "village-pass-2")
    fresh = client(site)
    for _ in range(5):
        assert login(fresh, "二村", "wrong-password").status_code == 401
    r = login(fresh, "二村", "village-pass-2")
    assert r.status_code == 401 and "锁定" in r.text
    # the locked account answers as a name nobody has: the answer does not tell who exists
    nobody = login(client(site), "无此用户", "village-pass-2")
    error = re.compile(r'id="error">([^<]+)<')
    assert nobody.status_code == 401 and error.findall(r.text) == error.findall(nobody.text) != []
    assert sum(e["action"] == "login.failed" for e in site.audit("二村")) == 5


@pytest.mark.ocr
def test_dashboard_counts_only_the_users_area(site: Site) -> None:
    mine = [h for h in site.county if h["village"] == "一村"]
    page = client(site, VILLAGE).get("/").text
    assert f'<b id="households">{len(mine)}</b>' in page
    assert f'<b id="persons">{sum(len(h["members"]) for h in mine)}</b>' in page
    everyone = client(site, COUNTY).get("/").text
    assert f'<b id="households">{len(site.county)}</b>' in everyone
    assert '<b id="quarantine">1</b>' in everyone and '<b id="quarantine">0</b>' in page


@pytest.mark.ocr
def test_a_user_changes_their_own_password(site: Site) -> None:
    site.dibao("user", "add", "三村", "--role", "village", "--area", "测试镇/三村", "--password",
                "old-password-3")  # a village not on file yet: by its whole path
    c = client(site, ("三村", "old-password-3"))
    token = csrf(c)
    r = c.post("/account/password", data={"csrf": token, "current": "old-password-3", "new": "new-pass-3", "again": "new-pass-4"})
    assert r.status_code == 400 and "不一致" in r.text
    r = c.post("/account/password", data={"csrf": token, "current": "old-password-3", "new": "new-password-3",
                                          "again": "new-password-3"})
    assert r.status_code == 200 and "密码已修改" in r.text
    assert login(client(site), "三村", "old-password-3").status_code == 401
    client(site, ("三村", "new-password-3"))
    assert ("password.change", "三村") in [(e["action"], e["target"]) for e in site.audit("三村")]
    trail = client(site, COUNTY).get("/audit?user=三村").text.split('id="audit"')[1]
    assert trail.count("修改本人密码") == 1  # actions in Chinese


@pytest.mark.ocr
def test_report_files_a_killed_server_left_are_removed_at_start(site: Site) -> None:
    left = site.dibao.home / "tmp" / "web-killed"
    left.mkdir(parents=True)
    (left / "公示.pdf").write_bytes(b"%PDF- personal data")
    with TestClient(create_app(Home(site.dibao.home)), base_url="https://testserver") as c:
        assert c.get("/login").status_code == 200
    assert not left.exists()


@pytest.mark.ocr
def test_a_review_recorded_on_the_household_page(site: Site) -> None:
    c = client(site, VILLAGE)
    token = csrf(c)
    page = c.get(f"/households/{site.mine['no']}").text
    assert 'action="/households/' in page and "记录复核" in page
    bad = c.post(f"/households/{site.mine['no']}/reviews", data={"csrf": token, "date": "2025-13-01", "result": "维持"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    r = c.post(f"/households/{site.mine['no']}/reviews", follow_redirects=False,
               data={"csrf": token, "date": "2025-11-20", "result": "维持原保障", "reviewer": "王五"})
    assert r.status_code == 303
    events = site.dibao.json("household", "show", site.mine["no"])["events"]
    assert any(e["kind"] == "复核" and e["date"] == "2025-11-20" for e in events)
    assert any(e["action"] == "review.record" and "维持原保障" in (e["detail"] or "") for e in site.audit(VILLAGE[0]))


@pytest.mark.ocr
def test_registering_a_first_time_applicant_from_the_web(site: Site) -> None:
    from tests.builders import person_id

    c = client(site, COUNTY)
    token = csrf(c)
    assert "登记首次申请的家庭" in c.get("/applicants/new").text
    typed = person_id("19850707", seq=44)
    bad = c.post("/applicants/new", data={"csrf": token, "village": "测试镇/一村", "name": "网页申请人",
                                          "id_number": typed[:-1] + ("0" if typed[-1] != "0" else "1")})
    # the form comes back with what was typed (issue 25: nothing typed is lost), the number only in its own box
    assert bad.status_code == 400 and "身份证号无效" in bad.text and bad.text.count(typed[:-1]) == 1
    assert re.search(rf'name="id_number"[^>]*value="{typed[:-1]}', bad.text)
    r = c.post("/applicants/new", data={"csrf": token, "village": "测试镇/一村", "name": "网页申请人", "id_number": typed,
                                        "members": f"网页家属,{person_id('20100101', seq=45)},子", "applied": "2025-11-20",
                                        "area_type": "农村"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/households/D")
    page = c.get(r.headers["location"]).text
    assert "网页申请人" in page and "申请中：尚未审批" in page and "已登记申请户。" in page and typed not in page
    show = site.dibao.json("household", "show", typed)
    assert show["status"] == "申请中" and len(show["members"]) == 2
    assert ("household.add", show["household_id"]) in {(e["action"], e["target"]) for e in site.audit(COUNTY[0])}



# ------------------------------------------------------------------ Hardening II (issue 22): where data moves
HONGQI = ("红旗村委", "village-pass-7")  # a village user of 城关镇/红旗村
TOWNS_COUNTY = ("县局二", "county-pass-7")


@dataclass
class Towns:
    dibao: Runner
    mine: dict  # 城关镇/红旗村
    other: dict  # 新街乡/石桥村

    def docs(self, h: dict) -> list[dict]:
        return self.dibao.json("household", "show", h["no"])["documents"]

    def open_items(self) -> list[dict]:
        """Open quarantine items, each source_name cut to the file's own name (an upload's is 网页上传's user/name)."""
        return [{**i, "source_name": i["source_name"].rsplit("/", 1)[-1]} for i in self.dibao.json("quarantine", "list")["items"]]

    def secret(self) -> bytes:
        return bytes.fromhex(json.loads((self.dibao.home / "keys" / "codes.json").read_text())["keys"][0]["secret"])

    def upload(self, c: TestClient, name: str, data: bytes) -> dict:
        r = c.post("/upload", data={"csrf": csrf(c)}, files={"files": (name, data)}, headers={"accept": "application/json"})
        assert r.status_code == 200, r.text
        self.dibao("ingest", str(self.dibao.home / "inbox" / "网页上传"), "--quiet")  # as the watcher would
        return r.json()


@pytest.fixture(scope="module")
def towns(tmp_path_factory: pytest.TempPathFactory) -> Towns:
    from tests.builders import person_id, roster_rows, write_xlsx

    root = tmp_path_factory.mktemp("towns")
    run = Runner(root / "home")
    run("init")
    c = [{"no": "5201020010001", "township": "城关镇", "village": "红旗村", "amount": 500,
          "members": [("韩红旗", person_id("19600101", seq=11), "户主")]},
         {"no": "5201020010002", "township": "城关镇", "village": "红旗村", "amount": 400,
          "members": [("魏东风", person_id("19610101", seq=12), "户主")]},
         {"no": "5201020020001", "township": "新街乡", "village": "石桥村", "amount": 600,
          "members": [("柳石桥", person_id("19620202", seq=21), "户主")]}]
    (root / "in").mkdir()
    write_xlsx(root / "in" / "roster.xlsx", roster_rows(c, title="某县2025年12月城乡低保花名册"))
    run("ingest", str(root / "in"), "--quiet")
    run("user", "add", TOWNS_COUNTY[0], "--role", "county", "--password", TOWNS_COUNTY[1])
    run("user", "add", HONGQI[0], "--role", "village", "--area", "城关镇/红旗村", "--password", HONGQI[1])
    return Towns(run, c[0], c[2])


def _page_with_qr(lines: list[str], code: str) -> bytes:
    import segno
    from PIL import Image

    from dibao.samplescans import render_form, to_jpeg

    buf = io.BytesIO()
    segno.make(code, error="m").save(buf, kind="png", scale=6, border=2)
    page = render_form(lines)
    page.paste(Image.open(io.BytesIO(buf.getvalue())).convert("L"), (page.width - 400, 60))
    return to_jpeg(page)


def test_an_applicant_named_with_dots_and_slashes_stays_inside_the_dossier_job(towns: Towns) -> None:
    """A village user registers a head named `王/../../../../…` and runs 整村一户一档: every PDF lands in the
    job's zip under the village's folder, nothing is written outside the job's folder."""
    from tests.builders import person_id

    c = client_of(towns, HONGQI)
    token = csrf(c)
    r = c.post("/applicants/new", data={"csrf": token, "village": "城关镇/红旗村", "name": "王/../../../../../逃逸",
                                        "id_number": person_id("19900909", seq=91)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    before = {p for p in towns.dibao.home.parent.rglob("*逃逸*")}
    started = c.post("/jobs", data={"csrf": token, "kind": "dossiers", "village": "城关镇/红旗村"}, follow_redirects=False)
    body, download = finish_job(c, started)
    assert "job-result" in body, body
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert len([n for n in names if n.endswith(".pdf") and "索引" not in n]) == 3
    assert all(n.startswith("城关镇_红旗村/") or n.startswith("红旗村/") for n in names), names
    assert not any(".." in part for n in names for part in n.split("/")), names
    escaped = {p for p in towns.dibao.home.parent.rglob("*逃逸*")} - before
    assert all("web-job-" in str(p) for p in escaped), escaped  # only inside the job's own folder


@pytest.mark.ocr
def test_a_village_users_registration_files_nothing_of_another_area(towns: Towns) -> None:
    """A scan quarantined for want of a household (from the scanner share, not the user's) is not pulled into
    the household a 红旗村 user registers with the ID read from it; the user's own upload is."""
    from dibao.samplescans import render_form, to_jpeg
    from tests.builders import person_id

    theirs, own = person_id("19810304", seq=71), person_id("19820405", seq=72)
    share = towns.dibao.home.parent / "share"
    share.mkdir()
    (share / "SCAN_7001.jpg").write_bytes(to_jpeg(render_form(
        ["最低生活保障申请书", "申请人：路人丙", f"身份证号：{theirs}", "2025年6月1日"])))
    towns.dibao("ingest", str(share), "--quiet")
    c = client_of(towns, HONGQI)
    towns.upload(c, "SCAN_7002.jpg", to_jpeg(render_form(["最低生活保障申请书", "申请人：路人丁", f"身份证号：{own}",
                                                          "2025年6月2日"])))
    assert {"SCAN_7001.jpg", "SCAN_7002.jpg"} <= {i["source_name"] for i in towns.open_items()}
    token = csrf(c)
    for name, idn in (("路人丙", theirs), ("路人丁", own)):
        r = c.post("/applicants/new", data={"csrf": token, "village": "城关镇/红旗村", "name": name, "id_number": idn},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
    assert towns.dibao.json("household", "show", theirs)["documents"] == []
    assert [d["source_name"] for d in towns.dibao.json("household", "show", own)["documents"]] == ["红旗村委/SCAN_7002.jpg"]
    assert "SCAN_7001.jpg" in {i["source_name"] for i in towns.open_items()}


@pytest.mark.ocr
def test_forged_codes_uploaded_by_a_village_user_file_nothing_elsewhere(towns: Towns) -> None:
    """A cover-sheet QR, a form code (;F=SP;S=SP) and `DIBAO-HH:` text in a PDF's text layer, naming a household of
    another township: unsigned or signed, none files a page there from a 红旗村 user's upload."""
    from archiver import qr
    from dibao.samplescans import render_form, to_pdf
    from generators.render import html_to_pdf

    c = client_of(towns, HONGQI)
    key = towns.other["no"]
    approval = ["最低生活保障审批表", "审批意见：同意", "审批人：张审批", "2025年7月8日"]
    from PIL import Image

    cover_page = Image.open(io.BytesIO(_page_with_qr(["扫描封面"], f"DIBAO-HH:{key}")))
    cover = to_pdf([cover_page, render_form([*approval[:-1], "2025年7月9日"])])
    tmp = towns.dibao.home.parent / "text-layer.pdf"
    html_to_pdf(f'<html><body><h1>最低生活保障审批表</h1><p>审批意见：同意纳入，按月发放。</p>'
                f'<p>DIBAO-HH:{key};F=SP;S=SP</p></body></html>', tmp)
    uploads = {"伪造封面.pdf": cover,
               "伪造表单.jpg": _page_with_qr([*approval[:-1], "2025年7月10日"], f"DIBAO-HH:{key};F=SP;S=SP"),
               "伪造文本.pdf": tmp.read_bytes()}
    for name, data in uploads.items():
        towns.upload(c, name, data)
    assert towns.docs(towns.other) == []
    secret = towns.secret()  # a code this home printed (signed), for a household outside the user's area
    uploads["真码外乡.jpg"] = _page_with_qr([*approval[:-1], "2025年7月11日"],
                                        qr.payload(key, form="审批表", step="审批", secret=secret))
    towns.upload(c, "真码外乡.jpg", uploads["真码外乡.jpg"])
    assert towns.docs(towns.other) == []
    left = {i["source_name"]: i["reason"] for i in towns.open_items()}
    assert set(uploads) <= set(left), left
    assert "签名" in left["伪造表单.jpg"] and "管辖范围" in left["真码外乡.jpg"]
    # the same signed code for the user's own household files, as 审批表 of the case's 审批 step
    towns.upload(c, "真码本村.jpg", _page_with_qr([*approval[:-1], "2025年7月12日"],
                                               qr.payload(towns.mine["no"], form="审批表", step="审批", secret=secret)))
    assert [(d["source_name"], d["type"]) for d in towns.docs(towns.mine)] == [("红旗村委/真码本村.jpg", "审批表")]


def test_no_full_id_in_upload_answers_or_refusals_naming_other_areas(towns: Towns) -> None:
    c = client_of(towns, HONGQI)
    idn = towns.mine["members"][0][1]
    answer = towns.upload(c, f"{idn}_户口簿.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
    assert not ID_RE.search(json.dumps(answer, ensure_ascii=False)), answer
    status = c.get("/upload/status").text
    assert idn[-4:] in status and not ID_RE.search(status) and str(towns.dibao.home) not in status
    # registering someone who belongs to another township's household: refused without naming that household
    other_id = towns.other["members"][0][1]
    r = c.post("/applicants/new", data={"csrf": csrf(c), "village": "城关镇/红旗村", "name": "柳石桥", "id_number": other_id})
    assert r.status_code == 400 and "其他地区" in r.text
    # the form comes back with what the user typed (issue 25); beyond that echo, nothing of the other household
    message = re.sub(r'value="[^"]*"', "", r.text)
    assert towns.other["no"] not in r.text and other_id not in message


def client_of(towns: Towns, who: tuple[str, str]) -> TestClient:
    return web_client(towns.dibao.home, who)
@pytest.mark.ocr
def test_imported_sheets_page_and_rejected_rows_are_audited(site: Site) -> None:
    c = client(site, COUNTY)
    sheet = sheet_file(site, "roster.xlsx")
    start = len(site.audit(COUNTY[0]))
    r = c.get(f"/imports/{sheet}")
    assert r.status_code == 200 and "户主姓名" in r.text and not ID_RE.search(r.text)
    assert "roster.xlsx" in c.get("/imports").text
    got = [(e["action"], e["target"]) for e in site.audit(COUNTY[0])[start:]]
    assert ("import.view", str(sheet)) in got
    villager = client(site, VILLAGE)  # the roster names 一村 and 二村: not the village's alone
    assert villager.get(f"/imports/{sheet}", follow_redirects=False).status_code == 404
    assert "roster.xlsx" not in villager.get("/imports").text


def test_a_stop_and_a_check_recorded_on_the_household_page(site: Site) -> None:
    """Township/county work: a village user sees neither form and is refused on posting; a refused entry comes
    back with what was typed; a saved one is on the case, in the audit and in `inspect`'s view of the stop."""
    third = next(h for h in site.county if h["no"] not in (site.mine["no"], site.other["no"]))
    village = client(site, VILLAGE)
    assert "登记停保决定" not in village.get(f"/households/{site.mine['no']}").text
    r = village.post(f"/households/{site.mine['no']}/stop", data={"csrf": csrf(village), "date": "2025-06-01",
                                                                   "reason": "迁出"}, follow_redirects=False)
    assert r.status_code == 404
    c = client(site, COUNTY)
    token = csrf(c)
    url = f"/households/{third['no']}"
    assert "登记停保决定" in c.get(url).text and "登记家庭经济状况核对结果" in c.get(url).text
    bad = c.post(url + "/stop", data={"csrf": token, "date": "2025-06-10", "notified": "2025-06-01",
                                      "reason": "家庭收入超标"})
    assert bad.status_code == 400 and "早于停保决定日期" in bad.text
    assert 'value="2025-06-10"' in bad.text and 'value="家庭收入超标"' in bad.text  # nothing typed is lost
    bad = c.post(url + "/verify", data={"csrf": token, "date": "2025-05-02", "found": ["存款", "车辆"]})
    assert bad.status_code == 400 and "核对结论" in bad.text
    assert bad.text.count("checked") >= 2  # the two ticked items come back ticked
    r = c.post(url + "/verify", data={"csrf": token, "date": "2025-05-02", "result": "不符合", "found": ["存款"]},
               follow_redirects=False)
    assert r.status_code == 303 and "done=checked" in r.headers["location"]
    r = c.post(url + "/stop", data={"csrf": token, "date": "2025-06-10", "reason": "家庭收入超标"},
               follow_redirects=False)
    assert r.status_code == 303
    assert "书面告知日期未登记" in c.get(r.headers["location"]).text
    shown = site.dibao.json("household", "show", third["no"])
    assert shown["status"] == "停保"
    found = [f for f in site.dibao.json("inspect", "--year", "2025")["findings"] if f["code"] == "stop_notice_missing"]
    assert [f["households"] for f in found] == [[third["no"]]]
    r = c.post(url + "/stop", data={"csrf": token, "date": "2025-06-10", "reason": "家庭收入超标",
                                    "notified": "2025-06-11"}, follow_redirects=False)
    assert r.status_code == 303
    assert not [f for f in site.dibao.json("inspect", "--year", "2025")["findings"] if f["code"] == "stop_notice_missing"]
    actions = [(e["action"], e["detail"] or "") for e in site.audit(COUNTY[0])]
    assert any(a == "case.stop" and "家庭收入超标" in d for a, d in actions)
    assert any(a == "case.record" and "核对" in d and "不符合；存款" in d for a, d in actions)
