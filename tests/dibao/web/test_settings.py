"""Settings without IT (issue 25): `dibao settings show|set` and the settings page over HTTP, on a real home
whose policy.toml is edited in place. Values are validated, a used 低保标准 is read-only, the office's own
comments survive, document types are added, renamed and retired (a retired type keeps its documents), and
every change is in `dibao history --settings` and the audit log. Who may change what: county administrators
everything, a township administrator only their own township's issuer and phone, a village user nothing."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from archiver import doctypes
from archiver.policy import load
from dibao.samplescans import render_form, to_jpeg
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import Runner
from tests.dibao.web.conftest import csrf, web_client

pytestmark = pytest.mark.ocr

COUNTY = ("县局", "county-pass-1")
TOWNSHIP = ("镇办", "township-pass-1")
VILLAGE = ("村文书", "village-pass-1")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    root = tmp_path_factory.mktemp("settings")
    r = Runner(root / "home")
    r("init")
    county = small_county(seed=5, n=3)
    (root / "in").mkdir()
    write_xlsx(root / "in" / "roster.xlsx", roster_rows(county))
    name, idn, _ = county[0]["members"][0]
    (root / "in" / "SCAN_0001.jpg").write_bytes(to_jpeg(render_form(
        ["低保证", f"持证人：{name} 身份证号：{idn}", "2025年3月4日"])))
    r("ingest", str(root / "in"), "--quiet")
    r("user", "add", COUNTY[0], "--role", "county", "--password", COUNTY[1])
    r("user", "add", TOWNSHIP[0], "--role", "township", "--area", "测试镇", "--password", TOWNSHIP[1])
    r("user", "add", VILLAGE[0], "--role", "village", "--area", "一村", "--password", VILLAGE[1])
    return r


def shown(run: Runner) -> dict[str, dict]:
    return {s["key"]: s for s in run.json("settings", "show")["settings"]}


def test_show_marks_the_placeholders_and_where_each_value_comes_from(run: Runner) -> None:
    rows = shown(run)
    assert rows["office.name"]["placeholder"] and rows["office.name"]["source"] == "policy.toml"
    assert rows["standard.add"]["placeholder"]  # this year's standard is not in the shipped file
    assert rows["tasks.keep_days"] == {**rows["tasks.keep_days"], "value": "7", "source": "默认"}
    assert "issuer.测试镇" in rows  # every township the catalog knows


def test_a_bad_value_is_refused_with_the_reason_and_nothing_is_written(run: Runner) -> None:
    before = (run.home / "policy.toml").read_text(encoding="utf-8")
    for key, value, why in [("notice.days", "七", "整数"), ("basis.mode", "平均", "差额"), ("office.phone", "打电话", "电话"),
                            ("standard.add", "2026-01-01 城市=abc", "金额"), ("standard.add", "明年 城市=800", "日期"),
                            ("no.such", "1", "没有这个设置项"), ("materials.在保", "申请书、不存在的材料", "没有这种档案类型")]:
        r = run("settings", "set", key, value, check=False)
        assert r.returncode == 2 and why in r.stderr, (key, r.stderr)
    assert (run.home / "policy.toml").read_text(encoding="utf-8") == before


def test_standards_are_dated_and_a_used_one_is_read_only(run: Runner) -> None:
    policy_file = run.home / "policy.toml"
    policy_file.write_text(policy_file.read_text(encoding="utf-8").replace(
        "[review_months]", "# 本县复核办法见县民政局2024年3号文\n[review_months]"), encoding="utf-8")  # a hand edit
    run("settings", "set", "standard.add", "2026年1月1日 城市=780 农村=620")
    run("settings", "set", "standard.add", "2026/07/01 城市=800")  # a rise for 城市 alone keeps 农村
    p = load(run.home)
    assert p.standard_on("2026-03-01", "城市") == 780 and p.standard_on("2026-08-01", "农村") == 620
    assert p.standard_on("2026-08-01", "城市") == 800 and p.standard_on("2025-06-01", "城市") == 720  # older kept
    used = run("settings", "set", "standard.add", "2026-01-01 城市=1", check=False)
    assert used.returncode == 2 and "已经使用" in used.stderr
    later = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    run("settings", "set", "standard.add", f"{later} 城市=900 农村=700")
    run("settings", "set", "standard.add", f"{later} 城市=910 农村=700")  # not started yet: may be replaced
    assert load(run.home).standard_on(later, "城市") == 910
    run("settings", "set", "standard.remove", later)
    assert run("settings", "set", "standard.remove", "2026-01-01", check=False).returncode == 2
    text = policy_file.read_text(encoding="utf-8")
    assert "# 本县复核办法见县民政局2024年3号文" in text and "# 复核周期" in text  # comments kept
    assert not shown(run).get("standard.add")  # this year's standard is set: no longer a placeholder


def test_calendar_days_for_a_year_the_bundled_calendar_lacks(run: Runner) -> None:
    run("settings", "set", "calendar.holiday", "2030-02-04")
    run("settings", "set", "calendar.workday", "2030-02-09")  # a Saturday worked
    bad = run("settings", "set", "calendar.workday", "2030-02-11", check=False)  # a Monday
    assert bad.returncode == 2 and "不是周末" in bad.stderr
    cal = load(run.home).calendar
    assert cal.years == (2030,) and cal.holidays == (dt.date(2030, 2, 4),) and cal.workdays == (dt.date(2030, 2, 9),)
    from generators.rules.workdays import Calendar

    c = Calendar.from_policy(load(run.home))
    assert not c.is_workday(dt.date(2030, 2, 4)) and c.is_workday(dt.date(2030, 2, 9))


def test_document_types_added_renamed_and_retired(run: Runner) -> None:
    r = run("settings", "set", "document_types.add", "残疾证", check=False)  # built in: nothing to add
    assert r.returncode == 2 and "已有" in r.stderr
    run("settings", "set", "document_types.add", "低保金领取确认书")
    assert "低保金领取确认书" in doctypes.names(load(run.home))
    db = sqlite3.connect(run.home / "catalog.sqlite")
    assert db.execute("SELECT count(*) FROM documents WHERE type = '低保证'").fetchone()[0] == 1  # the filed scan
    run("settings", "set", "document_types.rename", "低保证=低保金领取证")
    names = doctypes.names(load(run.home))
    assert "低保金领取证" in names and "低保证" not in names
    assert db.execute("SELECT count(*) FROM documents WHERE type = '低保金领取证'").fetchone()[0] == 1
    run("settings", "set", "document_types.retire", "低保金领取证")
    p = load(run.home)
    assert "低保金领取证" not in doctypes.names(p) and "低保金领取证" in doctypes.known(p)
    assert db.execute("SELECT count(*) FROM documents WHERE type = '低保金领取证'").fetchone()[0] == 1  # kept
    run("settings", "set", "document_types.add", "低保金领取证")  # brought back
    assert "低保金领取证" in doctypes.names(load(run.home))
    run("settings", "set", "materials.在保", "申请书、入户调查表、残疾证、身份证|户口簿")
    assert load(run.home).required_documents["在保"][2] == "残疾证"


def test_every_change_is_in_the_history_and_the_audit(run: Runner) -> None:
    run("settings", "set", "office.name", "城南县民政局")
    changes = run.json("history", "--settings")["changes"]
    assert {"key": "office.name", "before": "某某县民政局", "after": "城南县民政局"}.items() <= changes[-1].items()
    assert any(c["key"] == "standard.add" for c in changes)
    assert any(e["action"] == "settings.set" and e["target"] == "office.name" for e in run.json("audit")["entries"])
    plain = run("history", "--settings").stdout
    assert "单位名称：某某县民政局 → 城南县民政局" in plain


def test_who_may_change_what_over_the_web(run: Runner) -> None:
    county = web_client(run.home, COUNTY)
    r = county.post("/settings", data={"csrf": csrf(county), "key": "office.phone", "value": "0851-1234567"},
                    follow_redirects=False)
    assert r.status_code == 303 and shown(run)["office.phone"]["value"] == "0851-1234567"
    bad = county.post("/settings", data={"csrf": csrf(county), "key": "notice.days", "value": "九十"})
    assert bad.status_code == 400 and "未保存" in bad.text and 'value="九十"' in bad.text  # what was typed stays

    town = web_client(run.home, TOWNSHIP)
    token = csrf(town)
    page = town.get("/settings").text
    assert "测试镇 公示落款" in page and "单位名称" not in page
    ok = town.post("/settings", data={"csrf": token, "key": "issuer.测试镇", "value": "测试镇人民政府"}, follow_redirects=False)
    assert ok.status_code == 303 and shown(run)["issuer.测试镇"]["value"] == "测试镇人民政府"
    denied = [e for e in run.json("audit", "--user", TOWNSHIP[0])["entries"] if e["action"] == "denied"]
    for key in ("office.name", "issuer.别的镇", "standard.add"):
        assert town.post("/settings", data={"csrf": token, "key": key, "value": "x"}).status_code == 404
    after = [e for e in run.json("audit", "--user", TOWNSHIP[0])["entries"] if e["action"] == "denied"]
    assert len(after) - len(denied) == 3
    assert shown(run)["office.name"]["value"] != "x"

    village = web_client(run.home, VILLAGE)
    assert village.get("/settings").status_code == 404
    assert village.post("/settings", data={"csrf": csrf(village), "key": "issuer.测试镇", "value": "x"}).status_code == 404


def test_a_hand_broken_file_is_named_not_overwritten(run: Runner, tmp_path: Path) -> None:
    policy_file = run.home / "policy.toml"
    good = policy_file.read_text(encoding="utf-8")
    policy_file.write_text(good + "\n[notice\n", encoding="utf-8")
    try:
        r = run("settings", "set", "office.name", "另一个名字", check=False)
        assert r.returncode == 2 and "policy.toml" not in r.stdout and "TOML" in r.stderr
        assert policy_file.read_text(encoding="utf-8").endswith("[notice\n")
    finally:
        policy_file.write_text(good, encoding="utf-8")


def test_a_household_box_takes_a_name_and_a_failed_lookup_keeps_the_form(run: Runner) -> None:
    """Names, not numbers (issue 25): the 一户一档 box takes a member's name; a name that finds nothing says so
    and keeps what was typed; the box's suggestions stay inside the user's area."""
    households = run.json("household", "list")["households"]
    head = {"head_name": households[0]["head"]["name"]}
    county = web_client(run.home, COUNTY)
    token = csrf(county)
    r = county.post("/reports/dossier", data={"csrf": token, "key": head["head_name"]})
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    miss = county.post("/reports/dossier", data={"csrf": token, "key": "查无此人"})
    assert miss.status_code == 400 and "没有找到“查无此人”" in miss.text and 'value="查无此人"' in miss.text
    options = county.get("/suggest/households", params={"q": head["head_name"][:1]}).text
    assert households[0]["household_id"] in options and head["head_name"] in options
    mine = {h["household_id"] for h in households if h["village"] == "一村"}
    village = web_client(run.home, VILLAGE)
    for h in households:
        name = h["head"]["name"]
        shown = village.get("/suggest/households", params={"q": name}).text
        assert (h["household_id"] in shown) == (h["household_id"] in mine), name


def test_the_audit_page_says_entries_in_chinese_pages_filters_and_exports(run: Runner) -> None:
    import io

    import openpyxl

    county = web_client(run.home, COUNTY)
    doc = next(d for h in run.json("household", "list")["households"]
               for d in run.json("household", "show", h["household_id"])["documents"])
    head = next(h["head"]["name"] for h in run.json("household", "list")["households"]
                if any(d["document_id"] == doc["document_id"] for d in run.json("household", "show", h["household_id"])["documents"]))
    assert county.get(f"/documents/{doc['document_id']}/view").status_code == 200
    page = county.get("/audit", params={"action": "document.view"}).text
    visible = re.sub(r"<[^>]+>", " ", page.split("<main>")[1])
    assert f"查看了 {head}户 的 {doc['type']}" in visible and "document" not in visible
    for _ in range(110):  # more than a page of entries
        county.get("/search", params={"q": "陶"})
    first = county.get("/audit", params={"action": "search"}).text
    assert "检索“陶”，找到" in first and 'id="next"' in first and 'id="prev"' not in first
    second = county.get("/audit", params={"action": "search", "offset": 100}).text
    assert 'id="prev"' in second
    assert "共 0 条" in county.get("/audit", params={"user": TOWNSHIP[0], "action": "search", "until": "2000-01-01"}).text
    xlsx = county.get("/audit/export", params={"action": "search"})
    assert xlsx.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("时间", "用户", "操作", "内容", "来源地址") and len(rows) - 1 >= 110
    assert all("T" not in str(r[0]) for r in rows[1:])
    assert any(e["action"] == "audit.export" for e in run.json("audit", "--user", COUNTY[0])["entries"])
    town = web_client(run.home, TOWNSHIP)
    assert town.get("/audit").status_code == 404 and town.get("/audit/export").status_code == 404


def test_task_results_go_after_the_days_the_settings_keep_them(run: Runner) -> None:
    from archiver.catalog import Catalog

    run("settings", "set", "tasks.keep_days", "3")
    cat = Catalog(run.home / "catalog.sqlite")
    with cat.transaction():
        old = cat.add_task(COUNTY[0], "summary", "2024 全部", {})
        cat.finish_task(old, "done", 6, 6, "步", "已完成", f"tasks/{old}/总结.docx", None)
        fresh = cat.add_task(COUNTY[0], "summary", "2025 全部", {})
        cat.finish_task(fresh, "done", 6, 6, "步", "已完成", f"tasks/{fresh}/总结.docx", None)
        cat.db.execute("UPDATE tasks SET finished_at = ? WHERE id = ?",
                       ((dt.datetime.now() - dt.timedelta(days=4)).isoformat(timespec="seconds"), old))
    cat.close()
    for t in (old, fresh):
        (run.home / "tasks" / str(t)).mkdir(parents=True, exist_ok=True)
        (run.home / "tasks" / str(t) / "总结.docx").write_bytes(b"PK")
    page = web_client(run.home, COUNTY).get("/tasks").text
    assert f'data-task="{fresh}"' in page and f'data-task="{old}"' not in page and "保留 3 天" in page
    assert not (run.home / "tasks" / str(old)).exists() and (run.home / "tasks" / str(fresh) / "总结.docx").exists()
