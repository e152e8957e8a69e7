"""Long work from the browser runs as a job: progress, then the result; a double click starts it once;
another user (or another area) cannot see it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Runner
from tests.corrections_corpus import build
from tests.dibao.web.conftest import csrf, finish_job, web_client

pytestmark = pytest.mark.cli

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
    c = web_client(home, who)
    return c, csrf(c)


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
    body, download = finish_job(c, first)
    assert "job-result" in body and "3/3 户" in body, body
    assert "hx-trigger" not in body  # finished: the page stops asking
    data = download.content
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


def test_the_county_summary_and_inspection_report_run_as_jobs(home: Path) -> None:
    c, token = client(home, COUNTY)
    first = c.post("/reports/summary", data={"csrf": token, "year": "2025", "scope": ""}, follow_redirects=False)
    again = c.post("/reports/summary", data={"csrf": token, "year": "2025", "scope": ""}, follow_redirects=False)
    assert first.headers["location"] == again.headers["location"]  # a double click starts it once
    page = c.get(first.headers["location"]).text
    assert "年度工作总结" in page and 'id="job-progress"' in page
    status, download = finish_job(c, first)
    assert "job-result" in status and "已完成" in status and "（6/6 步）" in status
    assert download.status_code == 200 and download.content[:2] == b"PK"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs)
    assert "2025" in text and "工作总结" in text
    status, download = finish_job(c, c.post("/reports/inspection", data={"csrf": token, "year": "2025", "scope": ""},
                                            follow_redirects=False))
    assert download.status_code == 200 and download.content[:2] == b"PK" and "检查通报" in status
    other, _ = client(home, OTHER)
    assert other.get(first.headers["location"]).status_code == 404  # another user's job is not found
    actions = [(e["action"], e["target"]) for e in Runner(home).json("audit", "--user", COUNTY[0])["entries"]]
    assert ("export.summary", "2025 全部") in actions and ("export.inspection", "2025 全部") in actions


def test_a_failed_report_job_says_why_in_chinese_and_the_server_goes_on(home: Path) -> None:
    broken = home / "templates" / "summary.docx"
    broken.parent.mkdir(exist_ok=True)
    broken.write_bytes(b"PK\x03\x04 not a real Word file")
    try:
        c, token = client(home, COUNTY)
        status, download = finish_job(c, c.post("/reports/summary", data={"csrf": token, "year": "2025", "scope": ""},
                                                follow_redirects=False))
        assert "job-error" in status and "模板文件无法打开" in status and "Traceback" not in status, status
        assert download.status_code == 404
    finally:
        broken.unlink()
    assert c.get("/reports").status_code == 200
