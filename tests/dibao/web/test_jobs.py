"""Long work from the browser runs as a job: progress, then the result; a double click starts it once;
another user (or another area) cannot see it."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from archiver.home import Home
from dibao.web.app import create_app
from tests.conftest import Runner
from tests.corrections_corpus import build

COUNTY = ("县局", "county-pass-1")
OTHER = ("二村村委", "village-pass-2")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("jobs")
    build(root / "in")
    run = Runner(root / "home")
    run("init")
    run("ingest", str(root / "in"), "--quiet")
    run("user", "add", COUNTY[0], "--role", "county", "--password", COUNTY[1])
    run("user", "add", OTHER[0], "--role", "village", "--area", "二村", "--password", OTHER[1])
    return run.home


def client(home: Path, who: tuple[str, str]) -> tuple[TestClient, str]:
    c = TestClient(create_app(Home(home)), base_url="https://testserver")
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)  # type: ignore[union-attr]
    assert c.post("/login", data={"name": who[0], "password": who[1], "csrf": token}, follow_redirects=False).status_code == 303
    return c, re.search(r'name="csrf" value="([^"]+)"', c.get("/").text).group(1)  # type: ignore[union-attr]


def village_value(c: TestClient, name: str) -> str:
    """The value the reports form posts for a village (its name, or its path 乡镇/村)."""
    form = c.get("/reports").text.split('id="village-job-form"', 1)[1]
    return next(v for v in re.findall(r'<option value="([^"]+)"', form) if v.rsplit("/", 1)[-1] == name)


def test_village_dossiers_as_a_job_with_progress(home: Path) -> None:
    c, token = client(home, COUNTY)
    village = village_value(c, "一村")
    first = c.post("/jobs", data={"csrf": token, "kind": "dossiers", "village": village}, follow_redirects=False)
    again = c.post("/jobs", data={"csrf": token, "kind": "dossiers", "village": village}, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == again.headers["location"]  # started once
    url = first.headers["location"]
    for _ in range(240):
        body = c.get(url, headers={"HX-Request": "true"}).text
        if "job-result" in body or "job-error" in body:
            break
        assert 'id="job-progress"' in body
        time.sleep(0.5)
    assert "job-result" in body and "3/3 户" in body, body
    assert "hx-trigger" not in body  # finished: the page stops asking
    data = c.get(url + "/result").content
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sum(n.endswith(".pdf") for n in names) >= 3
    other, _ = client(home, OTHER)
    assert other.get(url).status_code == 404 and other.get(url + "/result").status_code == 404
    assert "找不到" in other.get(url).text


def test_a_job_outside_the_users_area_is_refused(home: Path) -> None:
    c, token = client(home, OTHER)
    for foreign in ("一村", "测试镇/一村"):
        r = c.post("/jobs", data={"csrf": token, "kind": "coversheets", "village": foreign}, follow_redirects=False)
        assert r.status_code == 404
    r = c.post("/jobs", data={"csrf": token, "kind": "coversheets", "village": village_value(c, "二村")},
               follow_redirects=False)
    assert r.status_code == 303
