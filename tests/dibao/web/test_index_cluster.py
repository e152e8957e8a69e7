"""Two `dibao serve` processes on one PostgreSQL catalog, each with its own search index (issue 28 item 4):
a scan uploaded through one is found by search through the other within seconds, by way of the catalog's
change log the other server follows; 120 wrong passwords spread over both lock the account after exactly the
limit (item 2)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from archiver.index import position
from dibao.samplescans import render_form, to_jpeg
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import Runner, pg_server
from tests.dibao.web.server import running

pytestmark = [pytest.mark.slow, pytest.mark.ocr]
USER = ("集群", "cluster-pass-1")


class _Browser:
    """Real HTTP with the session kept by hand: the cookies are "secure", and these servers speak plain http
    on localhost (a browser on https would send them)."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=120, follow_redirects=False)
        self.cookies: dict[str, str] = {}

    def _keep(self, r: httpx.Response) -> httpx.Response:
        for raw in r.headers.get_list("set-cookie"):
            name, _, rest = raw.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return r

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(extra or {})}

    def get(self, path: str, **params: str) -> httpx.Response:
        return self._keep(self.http.get(path, params=params, headers=self._headers()))

    def post(self, path: str, **kw) -> httpx.Response:  # type: ignore[no-untyped-def]
        headers = self._headers(kw.pop("headers", None))
        return self._keep(self.http.post(path, headers=headers, **kw))

    def csrf(self, path: str = "/") -> str:
        m = re.search(r'name="csrf" value="([^"]+)"', self.get(path).text)
        assert m, path
        return m.group(1)

    def login(self, name: str, password: str) -> None:
        r = self.post("/login", data={"name": name, "password": password, "csrf": self.csrf("/login")})
        assert r.status_code == 303, r.text

    def finds(self, text: str, name: str) -> bool:
        return name in self.get("/search", q=text).text


def _wait(probe, seconds: float) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds until `probe()` is true, or None after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if probe():
            return time.monotonic() - start
        time.sleep(0.25)
    return None


def _guess_over_both(run: Runner, url_a: str, url_b: str) -> None:
    """120 wrong passwords at once, spread over both servers: the account locks after exactly the limit."""
    from concurrent.futures import ThreadPoolExecutor

    from archiver.catalog import Catalog
    from archiver.home import Home
    from dibao import users

    run("user", "add", "二村", "--role", "county", "--password", "village-pass-2")

    def guess(i: int) -> int:
        browser = _Browser(url_a if i % 2 else url_b)
        r = browser.post("/login", data={"name": "二村", "password": "wrong-password", "csrf": browser.csrf("/login")})
        return r.status_code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(guess, range(120)))
    assert set(codes) == {401}, codes
    cat = Catalog.of(Home(run.home))
    try:
        row = cat.user("二村")
        assert row["failed_logins"] == users.MAX_FAILURES and row["locked_until"]
        checked = [a for a in cat.audit_rows(user="二村") if a["action"] == "login.failed"]
        assert len(checked) == users.MAX_FAILURES  # of 120 guesses through two processes, exactly the limit checked
    finally:
        cat.close()


def test_a_scan_uploaded_through_one_server_is_found_through_the_other(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = Runner(tmp_path / "home")
    run("init", "--database", pg_server().new_database())
    county = small_county(seed=21, n=3)
    write_xlsx(tmp_path / "花名册.xlsx", roster_rows(county))
    run("ingest", str(tmp_path / "花名册.xlsx"))
    run("user", "add", USER[0], "--role", "county", "--password", USER[1])
    name, idn, _ = county[1]["members"][0]
    scan = to_jpeg(render_form(["收入证明", f"兹证明{name}（身份证号：{idn}）", "在蓝莓合作社务工", "2025年1月2日"]))

    index_a, index_b = tmp_path / "server-a" / "index", tmp_path / "server-b" / "index"
    monkeypatch.setenv("DIBAO_INDEX_DIR", str(index_a))
    with running(run.home) as url_a:  # A files what is uploaded (its watcher)
        monkeypatch.setenv("DIBAO_INDEX_DIR", str(index_b))
        with running(run.home, "--no-watch") as url_b:
            a, b = _Browser(url_a), _Browser(url_b)
            a.login(*USER)
            b.login(*USER)
            assert not b.finds("收入证明", name)
            r = a.post("/upload", data={"csrf": a.csrf()}, headers={"Accept": "application/json"},
                       files=[("files", ("SCAN_收入证明.jpg", scan, "image/jpeg"))])
            assert r.status_code == 200 and r.json()["saved"], r.text
            assert _wait(lambda: a.finds("收入证明", name), 180) is not None, "server A never filed the scan"
            # B's follower applies the log by itself (no request to B meanwhile), within seconds
            filed = position.read(index_a)
            took = _wait(lambda: position.read(index_b) >= filed, 10)
            assert took is not None, "server B's index did not follow the change log within 10 s"
            assert b.finds("收入证明", name)
            print(f"server B followed in {took:.2f} s")
            _guess_over_both(run, url_a, url_b)
    assert (index_a / "tantivy").is_dir() and (index_b / "tantivy").is_dir()  # each server its own index
    assert run.json("check")["index_lag"] == 0
