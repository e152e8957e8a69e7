"""The import review in a real browser (Debian chromium, Playwright, a real `dibao serve`): a roster held for
confirmation is checked by the township user against its first rows, its mapping corrected and confirmed;
the next month's file of the same layout then imports unasked; a file's rejected rows come down as .xlsx
with the reason beside each row. A village user may look but not confirm."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from archiver.sheet_review import REASON_HEADER
from tests.conftest import Runner
from tests.dibao.web import server
from tests.import_review_corpus import OPAQUE, households, roster

pytestmark = pytest.mark.browser

if server.CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium not installed (scripts/install-debian.sh installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

TOWNSHIP = ("测试镇民政办", "township-pass-1")
VILLAGER = ("一村村委", "village-pass-1")
SHOTS = Path(os.environ.get("DIBAO_SCREENS", "/tmp/dibao-screens"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("imports")
    hs = households()
    run = Runner(root / "home")
    run("init")
    december = roster(root / "测试镇2025年12月花名册.xlsx", hs, "测试镇2025年12月低保花名册", OPAQUE)
    out = run.json("ingest", str(december), "--quiet")
    assert out["held"] == 1
    run("user", "add", TOWNSHIP[0], "--role", "乡镇", "--area", "测试镇", "--password", TOWNSHIP[1])
    run("user", "add", VILLAGER[0], "--role", "村", "--area", "测试镇/一村", "--password", VILLAGER[1])
    with server.running(run.home, "--no-watch") as url:
        yield {"url": url, "run": run, "households": hs, "root": root, "held": out["files"][0]["file_id"]}


@pytest.fixture(scope="module")
def browser(site: dict) -> Iterator:
    with sync_api.sync_playwright() as p:
        b = server.launch(p)
        yield b
        b.close()


def open_as(browser, site: dict, who: tuple[str, str]):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=site["url"], locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto("/login")
    page.fill("input[name=name]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)
    return page


def test_held_sheet_confirmed_in_the_browser_then_its_layout_imports_unasked(browser, site: dict) -> None:  # type: ignore[no-untyped-def]
    run, hs = site["run"], site["households"]
    villager = open_as(browser, site, VILLAGER)
    villager.goto(f"/imports/{site['held']}")
    assert "待确认" in villager.inner_text("#held") and villager.locator("form#confirm").count() == 0
    villager.context.close()

    page = open_as(browser, site, TOWNSHIP)
    page.click("a[href='/imports']")
    page.click(f"#held a[href='/imports/{site['held']}']")
    assert "列「CYZJHM」有8行是身份证号" in page.inner_text("#held")  # the members' IDs under a name nobody reads
    preview = page.inner_text("#preview-1")
    assert "张0" in preview and "李0" in preview and "CYZJHM" in preview  # the first rows, as the sheet has them
    assert "身份证号" in page.inner_text("#mapping-1")
    assert page.locator("#map_member_id").input_value() == "身份证号"  # what dibao proposed
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "import-held.png"), full_page=True)
    page.select_option("#map_member_id", "CYZJHM")
    page.select_option("#map_head_id", "身份证号")
    page.click("form#confirm button[type=submit]")
    assert "已确认列对应并导入" in page.inner_text("#confirmed")
    assert TOWNSHIP[0] in page.inner_text("#status")
    page.screenshot(path=str(SHOTS / "import-confirmed.png"), full_page=True)
    listed = run.json("household", "list")["households"]
    assert len(listed) == 4 and all(h["persons"] == 3 for h in listed)
    assert any(e["action"] == "import.confirm" and e["user"] == TOWNSHIP[0] for e in run.json("audit")["entries"])

    january = roster(site["root"] / "测试镇2026年1月花名册.xlsx", hs, "测试镇2026年1月低保花名册", OPAQUE)
    out = run.json("ingest", str(january), "--quiet")
    assert out["archived"] == 1 and out["held"] == 0 and out["row_errors"] == []
    page.goto("/imports")
    assert "没有待确认的表格" in page.inner_text("#none-held")
    page.click(f"#files a[href='/imports/{out['files'][0]['file_id']}']")
    assert "按已确认的表头对应读取" in page.content() and "近似匹配" not in page.content()
    assert run("check").returncode == 0
    page.context.close()


def test_rejected_rows_download_from_the_file_page(browser, site: dict) -> None:  # type: ignore[no-untyped-def]
    run = site["run"]
    hs = households(3, village="一村")
    for h in hs:
        h["no"] = h["no"].replace("H", "R")
    f = roster(site["root"] / "测试镇2025年11月花名册.xlsx", hs, "测试镇2025年11月低保花名册", bad={(2, 1)})
    out = run.json("ingest", str(f), "--quiet")
    file_id = out["files"][0]["file_id"]
    page = open_as(browser, site, VILLAGER)  # the village sees its own file and takes its rows back to correct
    page.goto(f"/imports/{file_id}")
    assert "18位" in page.inner_text("#rejected")
    with page.expect_download() as dl:
        page.click("#rejected-download")
    path = site["root"] / "rejected.xlsx"
    dl.value.save_as(path)
    rows = [list(r) for r in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
    assert rows[1][-1] == REASON_HEADER and len(rows) == 3 and "18位" in rows[2][-1]
    assert any(e["action"] == "import.rejected.export" for e in run.json("audit")["entries"])
    page.context.close()
