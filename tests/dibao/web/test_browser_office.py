"""The office runs its settings without IT (issue 25), in Debian's chromium against a real `dibao serve`:
the county administrator changes the office name and adds the new year's 低保标准 on the settings page; the
next 公示 carries the name, a 2026 basis uses the standard, and `dibao history --settings` shows both. A
township administrator sees only their own township's issuer and phone; a village user is not let in.
Every page these tests render speaks office words only (no command lines, config keys, English, ISO times).
With DIBAO_SCREENS=docs/screens the settings page is written there at 1366 and 390 px."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dibao import samplecounty
from dibao.samplescans import render_form, to_jpeg
from tests.builders import bad_check_digit, person_id
from tests.conftest import Runner
from tests.dibao.web import server

pytestmark = pytest.mark.browser

if server.CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium not installed (scripts/install-debian.sh installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

COUNTY = ("县民政局管理员", "county-pass-1")
TOWNSHIP = ("城关镇民政办", "township-pass-1")
VILLAGE = ("红旗村文书", "village-pass-1")
RENDERED: list[tuple[str, str]] = []  # (url, visible text) of every page the tests below looked at


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("settings")
    samplecounty.build(root / "sample", per_village=2, scans=False)
    run = Runner(root / "home")
    run("init")
    run("ingest", str(root / "sample" / "inbox"), "--quiet")
    run("user", "add", COUNTY[0], "--role", "county", "--password", COUNTY[1])
    run("user", "add", TOWNSHIP[0], "--role", "township", "--area", "城关镇", "--password", TOWNSHIP[1])
    run("user", "add", VILLAGE[0], "--role", "village", "--area", "城关镇/红旗村", "--password", VILLAGE[1])
    with server.running(run.home) as url:
        yield {"url": url, "run": run, "root": root}


@pytest.fixture(scope="module")
def browser(county: dict) -> Iterator:
    with sync_api.sync_playwright() as p:
        b = server.launch(p)
        yield b
        b.close()


def open_page(browser, county: dict, who: tuple[str, str], width: int = 1366):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=county["url"], locale="zh-CN", viewport={"width": width, "height": 900},
                                  accept_downloads=True)
    p = context.new_page()
    p.set_default_timeout(15000)
    server.record_pages(p, RENDERED)
    p.goto("/login")
    p.fill("input[name=name]", who[0])
    p.fill("input[name=password]", who[1])
    p.click("button[type=submit]")
    p.wait_for_url(re.compile(r"/$"))
    return p


def shot(p, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("DIBAO_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def no_wider_than_screen(p) -> None:  # type: ignore[no-untyped-def]
    """Nothing on the page (a table above all) is wider than the window."""
    width = p.evaluate("window.innerWidth")
    wide = p.evaluate("""w => [...document.querySelectorAll('table, form, section, input, select')]
        .filter(e => e.getBoundingClientRect().right > w + 1).map(e => e.tagName + '#' + e.id)""", width)
    assert not wide, wide
    assert p.evaluate("document.documentElement.scrollWidth") <= width + 1


def test_settings_reach_the_notice_the_basis_and_the_history(browser, county: dict) -> None:  # type: ignore[no-untyped-def]
    run = county["run"]
    p = open_page(browser, county, COUNTY)
    banner = p.locator("#unset-banner")
    assert "单位名称" in banner.inner_text() and "某某" not in p.inner_text("body")
    banner.locator("a").click()
    p.wait_for_url(re.compile(r"/settings"))
    shot(p, "20-settings")
    p.fill("#office-name", "城南县民政局")
    p.locator("#office-name").press("Enter")
    assert "单位名称" in p.locator("#done").inner_text()
    p.fill("#office-phone", "0851-22345678")
    p.locator("#office-phone").press("Enter")
    # a bad amount is refused with the reason, and what was typed stays in the boxes
    p.fill("#standard-start", "2026-01-01")
    p.fill("#standard-city", "七百八")
    p.fill("#standard-rural", "620")
    p.click("#standard-add button")
    assert "城市的标准应为金额" in p.locator("#error").inner_text()
    assert p.input_value("#standard-start") == "2026-01-01" and p.input_value("#standard-rural") == "620"
    p.fill("#standard-city", "780")
    p.click("#standard-add button")
    assert "低保标准" in p.locator("#done").inner_text()
    rows = p.locator("#standard-table tr").all_inner_texts()
    assert any("2026-01-01" in r and "780" in r and "620" in r for r in rows)
    assert any("2025-01-01" in r and "已使用" in r for r in rows)
    assert p.locator("#unset-banner").count() == 0  # name, phone and this year's standard are set
    # a used standard cannot be changed
    p.fill("#standard-start", "2025-01-01")
    p.fill("#standard-city", "1")
    p.fill("#standard-rural", "1")
    p.click("#standard-add button")
    assert "已经使用" in p.locator("#error").inner_text()
    shot(p, "21-settings-saved")

    # the next 公示 carries the name (the default issuer is the county office)
    p.goto("/reports")
    village = p.locator("#notice-form select[name=village] option").first.inner_text()
    kinds = ("新增", "停保", "调整")
    made = None
    for kind in kinds:
        p.select_option("#notice-form select[name=village]", label=village)
        p.select_option("#notice-form select[name=kind]", kind)
        p.fill("#notice-form input[name=start]", "2016-01-01")
        p.fill("#notice-form input[name=end]", "2025-12-31")
        try:
            with p.expect_download(timeout=20000) as download:
                p.click("#notice-form button[type=submit]")
        except sync_api.TimeoutError:
            p.goto("/reports")
            continue
        made = download.value.path()
        break
    assert made, "no notice could be made"
    text = subprocess.run(["pdftotext", "-layout", made, "-"], capture_output=True, text=True).stdout
    assert "城南县民政局" in text and "某某" not in text and "0851-22345678" in text

    # a 2026 basis uses the new standard
    key = run.json("household", "list", "--township", "城关镇")["households"][0]["household_id"]
    shown = run.json("household", "show", key, "--on", "2026-06-01")
    assert shown["basis"]["standard"] in (780, 620)
    before = run.json("household", "show", key, "--on", "2025-06-01")
    assert before["basis"]["standard"] in (720, 560)

    # `dibao history --settings` shows both, with who made them
    changes = run.json("history", "--settings")["changes"]
    assert any(c["key"] == "office.name" and c["after"] == "城南县民政局" and c["user"] == COUNTY[0] for c in changes)
    assert any(c["key"] == "standard.add" and "780" in c["after"] for c in changes)
    policy = (run.home / "policy.toml").read_text(encoding="utf-8")
    assert "# 复核周期" in policy and 'name = "城南县民政局"' in policy  # edited in place, the comments kept

    p.goto("/settings")
    trail = p.locator("#settings-trail").inner_text()
    assert "城南县民政局" in trail and "780" in trail
    p.set_viewport_size({"width": 390, "height": 800})
    p.reload()
    shot(p, "22-settings-390")
    no_wider_than_screen(p)
    p.context.close()


def test_township_administrator_sets_only_their_issuer(browser, county: dict) -> None:  # type: ignore[no-untyped-def]
    p = open_page(browser, county, TOWNSHIP)
    p.goto("/settings")
    text = p.inner_text("main")
    assert "城关镇 公示落款" in text and "新街乡" not in text and "单位名称" not in text
    form = p.locator("form.setting", has_text="城关镇 公示落款")
    form.locator("input[name=value]").fill("城关镇人民政府")
    form.locator("button").click()
    assert "公示落款" in p.locator("#done").inner_text()
    shown = {r["key"]: r["value"] for r in county["run"].json("settings", "show")["settings"]}
    assert shown["issuer.城关镇"] == "城关镇人民政府"
    p.context.close()
    v = open_page(browser, county, VILLAGE)
    assert v.locator("header a[href='/settings']").count() == 0
    v.goto("/settings")
    assert "找不到" in v.inner_text("main")
    v.context.close()


def test_the_applicant_form_keeps_everything_typed(browser, county: dict) -> None:  # type: ignore[no-untyped-def]
    """A bad ID number is refused with every field still filled; once put right, every member is saved."""
    head = person_id("19700203", seq=41)
    wife, son = person_id("19720405", seq=42, male=False), person_id("20010607", seq=43)
    p = open_page(browser, county, TOWNSHIP)
    p.goto("/applicants/new")
    p.select_option("#applicant-form select[name=village]", label="红旗村")
    p.fill("input[name=name]", "钱多福")
    p.fill("input[name=id_number]", bad_check_digit(head))
    members = f"孙小梅,{wife},妻\n钱小宝,{son},子"
    p.fill("textarea[name=members]", members)
    p.fill("input[name=address]", "红旗村三组12号")
    p.fill("input[name=phone]", "13800001111")
    p.click("#applicant-form button[type=submit]")
    assert "校验" in p.inner_text("#error") or "身份证" in p.inner_text("#error")
    assert p.input_value("input[name=name]") == "钱多福"
    assert p.input_value("input[name=id_number]") == bad_check_digit(head)
    assert p.input_value("textarea[name=members]") == members
    assert p.input_value("input[name=address]") == "红旗村三组12号" and p.input_value("input[name=phone]") == "13800001111"
    p.fill("input[name=id_number]", head)
    p.click("#applicant-form button[type=submit]")
    p.wait_for_url(re.compile(r"/households/"))
    shown = county["run"].json("household", "show", head)
    assert sorted(m["name"] for m in shown["members"]) == sorted(["钱多福", "孙小梅", "钱小宝"])
    p.context.close()


def test_a_user_area_is_chosen_from_the_catalogs_areas(browser, county: dict) -> None:  # type: ignore[no-untyped-def]
    p = open_page(browser, county, COUNTY)
    p.goto("/users")
    assert p.locator("#new-role").input_value() == "村"  # the least role by default
    options = p.locator("#new-area option").all_inner_texts()
    assert "城关镇（全乡镇）" in options and "城关镇/红旗村" in options and not any("城关区" in o for o in options)
    # a typo cannot be chosen; one posted anyway (an old form, a hand-made request) is refused, the form kept
    p.evaluate("""() => { const o = document.createElement('option'); o.value = '城关区'; o.text = '城关区';
                          document.querySelector('#new-area').append(o); }""")
    p.fill("#new-name", "新来的文书")
    p.select_option("#new-role", "乡镇")
    p.select_option("#new-area", "城关区")
    p.fill("#new-password", "new-user-pass-1")
    p.click("#add-user button")
    assert "请从列表中选择" in p.inner_text("#error") and p.input_value("#new-name") == "新来的文书"
    assert "新来的文书" not in {u["name"] for u in county["run"].json("user", "list")["users"]}
    p.select_option("#new-area", "城关镇")
    p.fill("#new-password", "new-user-pass-1")
    p.click("#add-user button")
    assert p.locator("#done").count() == 1
    users = {u["name"]: u for u in county["run"].json("user", "list")["users"]}
    assert users["新来的文书"]["area"] == "城关镇" and users["新来的文书"]["role"] == "township"
    # 停用 asks first: dismissed, nothing changes
    p.once("dialog", lambda d: d.dismiss())
    p.locator("#users tr[data-user='新来的文书'] button.disable").click()
    assert not {u["name"]: u for u in county["run"].json("user", "list")["users"]}["新来的文书"]["disabled"]
    p.context.close()


def test_a_summary_job_survives_a_server_restart(browser, county: dict) -> None:  # type: ignore[no-untyped-def]
    """我的任务: a finished summary is still there (and downloadable) after a restart; a job the server was
    running when it stopped says so and can be started again."""
    p = open_page(browser, county, COUNTY)
    p.goto("/reports")
    p.locator("form[action='/reports/summary'] input[name=year]").fill("2025")
    p.locator("form[action='/reports/summary'] button").click()
    p.wait_for_selector("#job-result", timeout=120000)
    p.context.close()
    from archiver.catalog import Catalog

    cat = Catalog(county["run"].home / "catalog.sqlite")  # a job cut off by a stop: still "running" in the catalog
    with cat.transaction():
        cut = cat.add_task(COUNTY[0], "inspection", "2025 全部",
                           {"action": "/reports/inspection", "fields": {"year": "2025", "scope": ""}})
    cat.close()
    with server.running(county["run"].home) as url:  # a fresh server process: nothing of the old one in memory
        q = open_page(browser, {**county, "url": url}, COUNTY)
        q.goto("/tasks")
        rows = q.locator("#tasks tr").all_inner_texts()
        assert any("年度工作总结" in r and "已完成" in r and "低保工作总结.docx" in r for r in rows), rows
        with q.expect_download() as download:
            q.locator("#tasks a.task-result").first.click()
        assert Path(download.value.path()).read_bytes()[:2] == b"PK"
        cut_row = q.locator(f"#tasks tr[data-task='{cut}']")
        assert "已中断" in cut_row.inner_text() and "服务器在任务进行中停止" in cut_row.inner_text()
        shot(q, "23-tasks")
        cut_row.locator("button.restart").click()
        q.wait_for_selector("#job-result", timeout=120000)
        q.goto("/tasks")
        q.once("dialog", lambda d: d.accept())
        q.locator(f"#tasks tr[data-task='{cut}'] button.remove").click()
        assert q.locator(f"#tasks tr[data-task='{cut}']").count() == 0
        q.context.close()


def test_a_quarantined_page_naming_a_unique_person_offers_that_household(browser, county: dict) -> None:  # type: ignore[no-untyped-def]
    run = county["run"]
    members: dict[str, set[str]] = {}
    for h in run.json("household", "list")["households"]:
        for m in run.json("household", "show", h["household_id"])["members"]:
            members.setdefault(m["name"], set()).add(h["household_id"])
    name, key = next((n, next(iter(ks))) for n, ks in sorted(members.items()) if len(ks) == 1 and len(n) == 3)
    scan = county["root"] / "残疾证_无号码.jpg"
    scan.write_bytes(to_jpeg(render_form(["中华人民共和国残疾人证", f"持证人：{name}", "残疾类别：肢体 等级：二级"])))
    run("ingest", str(scan), "--quiet")
    item = next(q for q in run.json("quarantine", "list")["items"] if q["source_name"] == scan.name)
    assert not item["candidates"]  # the router found no ID: only the name points anywhere
    p = open_page(browser, county, COUNTY)
    p.goto(f"/quarantine/{item['item_id']}")
    offered = p.locator("#candidates p", has_text=name)
    assert offered.count() == 1 and key in offered.inner_text() and "本辖区只有这一户" in offered.inner_text()
    assert not offered.locator("input").is_checked()  # offered, never chosen or filed by itself
    assert not [d for d in run.json("household", "show", key)["documents"] if d["source_name"] == scan.name]
    shot(p, "24-quarantine-by-name")
    p.context.close()


def test_household_page_and_search_on_a_phone(browser, county: dict) -> None:  # type: ignore[no-untyped-def]
    """390 px, a home visit: no table wider than the screen (tables read as cards), the household page in the
    order header → members → checklist → case → payments (collapsed), tap targets of 40 px."""
    run = county["run"]
    key = next(h["household_id"] for h in run.json("household", "list", "--township", "城关镇")["households"]
               if run.json("household", "show", h["household_id"])["payments"])
    p = open_page(browser, county, TOWNSHIP, width=390)
    p.goto(f"/households/{key}")
    no_wider_than_screen(p)
    order = p.evaluate("""() => ['#members', '#checklist', '#payments-block', '#timeline']
        .map(s => document.querySelector(s)).map(e => e ? e.getBoundingClientRect().top + window.scrollY : -1)""")
    assert all(a < b for a, b in zip(order, order[1:], strict=False)) and -1 not in order, order
    assert not p.locator("#payments-block").evaluate("e => e.open")  # payments collapsed
    small = p.evaluate("""() => [...document.querySelectorAll('main button, main select, main input:not([type=hidden])')]
        .map(e => ['radio', 'checkbox'].includes(e.type) ? (e.closest('label') || e) : e)
        .filter(e => e.offsetParent && e.getBoundingClientRect().height < 40).map(e => e.outerHTML.slice(0, 60))""")
    assert not small, small
    shot(p, "25-household-390")
    head = run.json("household", "show", key)["head"]["name"]
    p.goto("/search?q=" + head[:1])
    p.wait_for_selector("#results")
    no_wider_than_screen(p)
    shot(p, "26-search-390")
    p.context.close()


def test_a_photo_taken_on_a_visit_is_filed_to_the_open_household(browser, county: dict) -> None:  # type: ignore[no-untyped-def]
    run = county["run"]
    key = run.json("household", "list", "--township", "城关镇")["households"][-1]["household_id"]
    photo = county["root"] / "camera.jpg"
    photo.write_bytes(to_jpeg(render_form(["收入情况说明", "家中养鸡二十只，年收入约三千元", "2026年12月1日"])))
    p = open_page(browser, county, TOWNSHIP, width=390)
    p.goto(f"/households/{key}")
    p.click("#photo-block summary")
    assert p.locator("#photo-file").get_attribute("capture") == "environment"
    p.select_option("#photo-type", "收入证明")
    p.set_input_files("#photo-file", str(photo))
    with p.expect_navigation(timeout=180000):  # the photo is read (OCR) before the page comes back
        p.click("#photo-send", no_wait_after=True)
    assert "照片已归档到本户" in p.locator("#done").inner_text()
    docs = run.json("household", "show", key)["documents"]
    assert [d["type"] for d in docs if d["source_name"].startswith("拍照_")] == ["收入证明"]
    p.context.close()


def test_pages_speak_office_words_only() -> None:
    """Every page rendered above: no command line, config file or key, English, or ISO `T` timestamp."""
    assert RENDERED, "run with the tests above"
    found = {url.split("?")[0]: bad for url, text in RENDERED if (bad := server.office_words_problems(text))}
    assert not found, found
