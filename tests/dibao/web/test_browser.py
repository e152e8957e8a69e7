"""The web interface in a real browser: Debian's chromium driven by Playwright against a real
`dibao serve` (with its inbox watcher) on a synthetic county. What staff do every day: log in, search,
open a household, reveal an ID, view a document, upload a scan, place a quarantined page, make a
notice. With DIBAO_SCREENS=docs/screens the screenshots of the main pages are written there."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dibao import samplecounty
from dibao.samplescans import render_form, to_jpeg
from tests.builders import person_id
from tests.conftest import Runner
from tests.dibao.web import server

pytestmark = pytest.mark.browser

if server.CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium not installed (scripts/install-debian.sh installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

USER, PASSWORD = "城关镇民政办", "township-pass-1"


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("browser")
    data = samplecounty.build(root / "sample", per_village=3, scans=False)
    inbox = root / "sample" / "inbox"
    ours = [h for h in data["households"] if h["township"] == "城关镇" and h["in_care_2025"]]
    h = ours[0]
    (inbox / "SCAN_0001.jpg").write_bytes(to_jpeg(render_form(
        ["低保申请书", f"申请人：{h['head_name']} 身份证号：{h['head_id']}", "家庭困难，申请最低生活保障。", "2025年2月3日"])))
    run = Runner(root / "home")
    run("init")
    run("ingest", str(inbox), "--quiet")
    run("user", "add", USER, "--role", "township", "--area", "城关镇", "--password", PASSWORD)
    with server.running(run.home) as url:
        yield {"url": url, "run": run, "household": h, "quarantined_for": ours[1], "root": root}


@pytest.fixture(scope="module")
def browser(county: dict) -> Iterator:
    with sync_api.sync_playwright() as p:
        b = server.launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser, county: dict):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=county["url"], locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    p = context.new_page()
    server.record_pages(p, RENDERED)
    p.set_default_timeout(15000)
    yield p
    context.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("DIBAO_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def login(page, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("input[name=name]", USER)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def audit(county: dict) -> list[dict]:
    return county["run"].json("audit", "--user", USER)["entries"]


def test_login_is_required_and_a_wrong_password_is_refused(page, county: dict) -> None:  # type: ignore[no-untyped-def]
    page.goto("/households/" + county["household"]["household_id"])
    assert page.url.endswith("/login")
    shot(page, "01-login")
    login(page, "wrong-password")
    assert "用户名或密码错误" in page.inner_text("#error")
    login(page)
    assert page.url == county["url"] + "/"
    assert int(page.inner_text("#households")) > 0
    shot(page, "02-dashboard")


def test_search_shows_results_while_typing_and_opens_the_household(page, county: dict) -> None:  # type: ignore[no-untyped-def]
    h = county["household"]
    login(page)
    page.goto("/search")
    started = time.monotonic()
    page.locator("input[name=q]").press_sequentially(h["head_name"], delay=30)
    page.wait_for_selector(f"#hits a[href='/households/{h['household_id']}']")  # no Enter pressed: htmx
    took = time.monotonic() - started
    assert h["head_id"] not in page.content()  # masked in the results
    shot(page, "03-search")
    print(f"search typed and rendered in {took:.2f} s")
    page.click(f"#hits a[href='/households/{h['household_id']}']")
    page.wait_for_selector("#members")
    assert h["head_name"] in page.inner_text("h1")
    assert h["head_id"] not in page.content()
    assert "✓" in page.inner_text("#checklist") and "✗" in page.inner_text("#checklist")
    assert "归档：申请书" in page.inner_text("#timeline")
    page.locator("#members button.reveal").first.click()
    page.wait_for_selector("#members .revealed")
    assert page.inner_text("#members .revealed") == h["head_id"]
    assert any(e["action"] == "member.reveal" and e["target"] == h["household_id"] for e in audit(county))
    page.locator(".doc a").first.click()  # the in-page viewer
    img = page.wait_for_selector("#document-viewer img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img)
    shot(page, "04-household")
    actions = {e["action"] for e in audit(county)}
    assert {"household.view", "document.thumb", "document.view", "document.page"} <= actions


def test_a_notice_is_generated_and_downloaded(page, county: dict) -> None:  # type: ignore[no-untyped-def]
    login(page)
    page.goto("/reports")
    villages = page.locator("#notice-form select[name=village] option").all_inner_texts()
    assert villages and set(villages) <= {"东风社区", "南街社区", "红旗村", "城关镇（全部村，每村一页）"}  # only the user's township
    # a notice lists the changes of a period (an empty one is refused): a village and kind that had some
    kinds = {"新增": "新增", "调增": "调整", "调减": "调整", "停保": "停保"}
    run = county["run"]
    village, kind = next((h["village"], kinds[e["kind"]])
                         for h in run.json("household", "list", "--township", "城关镇")["households"]
                         for e in run.json("household", "show", h["household_id"])["events"]
                         if e["kind"] in kinds and "2024-01-01" <= e["date"] <= "2025-12-31")
    page.select_option("#notice-form select[name=village]", label=village)
    page.select_option("#notice-form select[name=kind]", kind)
    page.fill("#notice-form input[name=start]", "2024-01-01")
    page.fill("#notice-form input[name=end]", "2025-12-31")
    shot(page, "07-reports")
    with page.expect_download() as download:
        page.click("#notice-form button[type=submit]")
    path = download.value.path()
    data = Path(path).read_bytes()
    assert data[:4] == b"%PDF" and download.value.suggested_filename.endswith(".pdf")
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True).stdout
    assert "公示" in text
    assert any(e["action"] == "export.notice" for e in audit(county))


def test_uploads_are_filed_or_quarantined_and_placed_by_hand(page, county: dict) -> None:  # type: ignore[no-untyped-def]
    """Drop two scans: the watcher files one by its ID number; the other names nobody it knows, so it
    waits in quarantine until staff look at it, find the household and file it with a type."""
    h, target = county["household"], county["quarantined_for"]
    root = county["root"]
    (root / "收入证明.jpg").write_bytes(to_jpeg(render_form(
        ["收入证明", f"兹证明{h['head_name']}（身份证号：{h['head_id']}）", "2025年5月6日"])))
    (root / "SCAN_0002.jpg").write_bytes(to_jpeg(render_form(
        ["入户调查表", f"被调查人：{target['head_name']}之子 身份证号：{person_id('19800101', seq=77)}", "2025年3月4日"])))
    login(page)
    page.goto("/upload")
    dropped = page.evaluate_handle("""([name, b64]) => { const d = new DataTransfer();
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        d.items.add(new File([bytes], name, {type: "image/jpeg"})); return d; }""",
                                   ["收入证明.jpg", base64.b64encode((root / "收入证明.jpg").read_bytes()).decode()])
    page.dispatch_event("#drop", "drop", {"dataTransfer": dropped})  # dragged from the desktop
    page.set_input_files("#files", str(root / "SCAN_0002.jpg"))  # or chosen in the file dialog
    page.wait_for_selector("#sent li:nth-child(2) .ok")
    # each row says where its file went: the household and type it was filed as, or what waits for a person
    filed = page.wait_for_selector(f"#uploads .filed:has-text('已归档到 {h['head_name']}户')", timeout=120000)
    assert f"（{h['household_id']}） · 收入证明 · 2025年5月6日" in filed.inner_text()
    assert filed.query_selector("a").get_attribute("href") == f"/households/{h['household_id']}"
    held = page.wait_for_selector("#uploads .held:has-text('待人工处理')", timeout=120000)
    assert held.query_selector("a").get_attribute("href").startswith("/quarantine/")
    shot(page, "05-upload")
    assert "收入证明" in [d["type"] for d in county["run"].json("household", "show", h["household_id"])["documents"]]
    assert not list((county["run"].home / "inbox").rglob("*.jpg"))  # taken out of the inbox once handled

    page.goto("/quarantine")
    assert "SCAN_0002.jpg" in page.inner_text("#items")  # uploaded by this township, so theirs to place
    page.click("#items a:has-text('处理')")
    page.wait_for_selector(".viewer img")
    page.fill("#pick-q", target["head_name"])
    page.check(f"#pick input[value='{target['household_id']}']")
    page.select_option("#doc-type", "入户调查表")
    shot(page, "06-quarantine")
    page.click("#assign button[type=submit]")
    page.wait_for_selector("#filed")
    assert "隔离区是空的" in page.content()
    docs = county["run"].json("household", "show", target["household_id"])["documents"]
    assert [d["type"] for d in docs].count("入户调查表") == 1
    assert any(e["action"] == "quarantine.assign" for e in audit(county))


def test_another_townships_household_is_not_found(page, county: dict) -> None:  # type: ignore[no-untyped-def]
    data = json.loads((county["root"] / "sample" / "expected.json").read_text(encoding="utf-8"))
    foreign = next(h for h in data["households"] if h["township"] != "城关镇")
    login(page)
    response = page.goto(f"/households/{foreign['household_id']}")
    assert response is not None and response.status == 404
    assert foreign["head_name"] not in page.content()
    assert any(e["action"] == "denied" for e in audit(county))


RENDERED: list[tuple[str, str]] = []  # (url, visible text) of every page the tests above loaded


def test_pages_speak_office_words_only() -> None:
    """Issue 25: no command line, config file or key, English word or ISO `T` timestamp on any page above."""
    assert RENDERED, "run with the tests above"
    found = {url.split("?")[0]: bad for url, text in RENDERED if (bad := server.office_words_problems(text))}
    assert not found, found
