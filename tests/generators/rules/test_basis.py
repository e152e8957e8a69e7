"""The benefit basis (issue 15): every household's due amount on every day equals the test's own
computation; payments that follow it raise nothing, planted over- and under-payments do; person tables
add up; the cadre register and the deaths list reach the inspection."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from archiver.catalog import Catalog
from archiver.home import resolve
from archiver.policy import load, parse
from generators.rules import basis
from tests import basis_county as county
from tests.conftest import Runner

pytestmark = pytest.mark.cli


def _home(tmp_path: Path, mode: str) -> tuple[Runner, dict]:
    data = county.build(tmp_path / "county", mode)
    run = Runner(tmp_path / f"home-{mode}")
    run("init")
    shutil.copy(tmp_path / "county" / "policy.toml", run.home / "policy.toml")
    out = json.loads(run("ingest", str(tmp_path / "county" / "inbox"), "--quiet", "--json").stdout)
    assert out["row_errors"] == [] and out["quarantined"] == 0, out
    return run, data


@pytest.fixture(scope="module")
def difference(tmp_path_factory) -> tuple[Runner, dict]:
    return _home(tmp_path_factory.mktemp("diff"), "差额")


@pytest.fixture(scope="module")
def tiered(tmp_path_factory) -> tuple[Runner, dict]:
    return _home(tmp_path_factory.mktemp("tier"), "分档")


def _days() -> list[str]:
    start = dt.date(2024, 12, 1)
    return [(start + dt.timedelta(days=i)).isoformat() for i in range(0, 460)]


def _check_every_day(run: Runner, data: dict) -> int:
    home = resolve(str(run.home))
    cat = Catalog.of(home)
    policy = load(home.root)
    checked = 0
    try:
        for truth in data["households"]:
            h = cat.household(cat.resolve_key(truth["no"]) or 0)
            assert h is not None, truth["no"]
            for day in _days():
                got = basis.compute(h, day, policy)
                want = county.due_on(truth, day, data["mode"])
                assert got.due_monthly == want, (truth["no"], day, got, want)
                if day >= truth["approved"]:
                    assert got.covered_persons == sum(m["covered"] for m in truth["members"]), (truth["no"], day)
                    assert got.standard == county.standard_on(day, truth["type"])
                checked += 1
    finally:
        cat.close()
    return checked


def test_due_on_every_day_equals_the_independent_computation(difference) -> None:
    run, data = difference
    assert _check_every_day(run, data) == 7 * 460


def test_household_show_gives_the_basis_for_today_and_any_day(difference) -> None:
    run, data = difference
    taper = run.json("household", "show", "H03", "--on", "2025-10-15")
    b = taper["basis"]
    assert {"standard", "income_per_capita", "covered_persons", "due_monthly", "mode"} <= set(b)
    assert (b["standard"], b["income_per_capita"], b["covered_persons"], b["mode"]) == (760.0, 800.0, 2, "渐退")
    assert b["due_monthly"] == county.due_on(data["households"][2], "2025-10-15", "差额") == 760.0  # 950 × 0.8
    assert run.json("household", "show", "H03", "--on", "2026-02-01")["basis"]["mode"] == "渐退期满"
    before = run.json("household", "show", "H05", "--on", "2025-03-01")["basis"]  # not yet approved
    assert before["due_monthly"] == 0
    now = run.json("household", "show", "H02")
    assert now["basis"]["covered_persons"] == 2 and now["basis"]["due_monthly"] > 0
    jailed = next(m for m in now["members"] if m["name"] == "张强")
    assert jailed["covered"] is False and jailed["covered_reason"] == "服刑"
    assert all(m["covered"] for m in now["members"] if m["name"] != "张强")
    assert now["category"] == "B"  # the 分类施保 column (一/二/三类) is not the A/B/C class
    bad = run("household", "show", "H02", "--on", "2025-13-01", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    text = run("household", "show", "H02").stdout
    assert "未纳入保障（服刑）" in text and "核算依据" in text


def test_payments_that_follow_the_due_raise_nothing_and_planted_ones_do(difference) -> None:
    run, data = difference
    findings = run.json("inspect", "--year", "2025")["findings"]
    mismatch = {f["households"][0]: f for f in findings if f["code"] == "amount_mismatch"}
    assert set(mismatch) == {"H06", "H07"}, [f["message"] for f in mismatch.values()]
    over, under = mismatch["H06"]["detail"], mismatch["H07"]["detail"]
    assert over["months"] == ["2025-04", "2025-05", "2025-06"] and over["difference"] == 100.0
    assert under["months"] == ["2025-07", "2025-08", "2025-09"] and under["difference"] == -60.0
    assert "多发100.00元" in mismatch["H06"]["message"] and "少发60.00元" in mismatch["H07"]["message"]
    assert not [f for f in findings if f["code"] in ("paid_after_stop", "paid_after_death")]
    # the standard rose on 1 May, in the middle of Q2: H01 (monthly rows) and the others (quarterly) follow it
    paid_q2 = [p for p in data["paid"] if p["no"] != "H06" and set(p["months"]) & {4, 5, 6}]
    assert paid_q2 and "H01" not in mismatch
    after_taper = [f for f in run.json("inspect", "--year", "2026")["findings"] if f["code"] == "amount_mismatch"]
    assert [(f["households"], f["detail"]["months"], f["detail"]["difference"]) for f in after_taper] == \
        [(["H03"], ["2026-01"], 380.0)]


def test_tiered_county_pays_by_tier_and_keeps_class_apart(tiered) -> None:
    run, data = tiered
    assert _check_every_day(run, data) == 8 * 460
    h08 = run.json("household", "show", "H08", "--on", "2025-06-01")
    assert h08["category"] is None and h08["basis"]["due_monthly"] == 0  # income above the line
    h03 = run.json("household", "show", "H03", "--on", "2025-06-01")["basis"]
    assert (h03["mode"], h03["due_monthly"]) == ("分档", 330.0)  # 三类: 150 元 × 2 + 30 (minor)
    findings = run.json("inspect", "--year", "2025")["findings"]
    assert {f["households"][0] for f in findings if f["code"] == "amount_mismatch"} == {"H06", "H07"}


def test_person_tables_add_up_to_covered_persons_and_taper_is_listed(difference) -> None:
    run, data = difference
    s = run.json("stats", "--year", "2025")
    covered = sum(sum(m["covered"] for m in h["members"]) for h in data["households"])
    assert s["persons_end"] == covered == 14
    assert sum(s["by_age_band"].values()) == sum(s["by_sex"].values()) == sum(s["by_identity"].values()) == covered
    assert s["disabled_persons"] == 3 and "服刑" not in s["by_identity"] and "在职" in s["by_identity"]
    assert s["taper_households"] == 1 and s["by_basis_mode"]["渐退"] == 1
    assert s["by_type"]["城市"]["persons_end"] + s["by_type"]["农村"]["persons_end"] == covered
    from docx import Document

    out = run.home.parent / "总结.docx"
    said = run("report", "summary", "--year", "2025", "-o", str(out)).stderr
    assert [line.split("]")[0] for line in said.splitlines() if line.startswith("[")] == [f"[{i}/6" for i in range(1, 7)]
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "年末有1户因家庭收入增加处于渐退期" in text and f"{covered}人" in text


def test_cadre_register_reaches_the_inspection(difference, tmp_path: Path) -> None:
    run, data = difference
    path = county.cadre_list(tmp_path / "干部近亲属名册.xlsx", data["households"])
    out = json.loads(run("cadres", "import", str(path), "--json").stdout)
    assert out["rows"] == 4 and len(out["errors"]) == 1 and "第7行" in out["errors"][0] and "干部身份证号" in out["errors"][0]
    listed = run.json("cadres", "list")["people"]
    held = {p["name"]: p["households"] for p in listed}
    assert held["刘芳"] == ["H02"] and held["周桂英"] == ["H04"] and held["马小红"] == []
    assert all("*" in p["id_number"] for p in listed if p["id_number"])
    wrong = run("cadres", "import", str(next((run.home.parent / "county" / "inbox").glob("*花名册.xlsx"))),
                check=False)
    assert wrong.returncode == 2 and "找不到表头" in wrong.stderr and "干部身份证号" in wrong.stderr
    run("cadres", "import", str(path))  # the same list again adds nobody
    assert len(run.json("cadres", "list")["people"]) == len(listed) == 4
    assert next(p for p in listed if p["name"] == "周桂英")["checked_on"] == "2024-04-01"
    findings = run.json("inspect", "--year", "2025")["findings"]
    cadre = [f for f in findings if f["code"] == "unregistered_cadre_relative"]
    assert [f["households"] for f in cadre] == [["H02"]] and "刘芳" in cadre[0]["message"]
    assert run.json("stats", "--year", "2025")["cadre_relatives"] == 2  # H04 (flagged) and H02 (register only)
    from docx import Document

    report = tmp_path / "通报.docx"
    run("report", "inspection", "--year", "2025", "-o", str(report))
    text = "\n".join(c.text for t in Document(str(report)).tables for row in t.rows for c in row.cells)
    assert "刘芳" in text and "周桂英" in text and "未标记" in text and "马小红" not in text


def test_deaths_list_reports_payments_after_death(difference, tmp_path: Path) -> None:
    shared, data = difference
    run = Runner(tmp_path / "home")  # a copy: the other tests' households stay alive
    shutil.copytree(shared.home, run.home)
    path = county.death_list(tmp_path / "火化名单.xlsx", data["households"])
    out = json.loads(run("deaths", "import", str(path), "--json").stdout)
    assert out["rows"] == 2 and len(out["errors"]) == 1 and "身份证号" in out["errors"][0]
    findings = run.json("inspect", "--year", "2025")["findings"]
    dead = [f for f in findings if f["code"] == "paid_after_death"]
    assert [f["households"] for f in dead] == [["H04"]]
    assert dead[0]["detail"]["months"][0] == "2025-08" and dead[0]["detail"]["died_on"] == "2025-08-10"
    assert "孙大山" in dead[0]["message"]
    listed = {d["name"]: d for d in run.json("deaths", "list")["deaths"]}
    assert listed["孙大山"]["households"] == ["H04"] and listed["路人甲"]["households"] == []
    assert "*" in listed["孙大山"]["id_number"]
    after = run.json("household", "show", "H04", "--on", "2025-09-01")["basis"]
    assert after["covered_persons"] == 1  # the dead are not due anything


def test_dated_standards_replace_the_yearly_tables() -> None:
    yearly = parse('[standards.2024]\n"城市" = 700\n[standards.2025]\n"城市" = 720\n')
    assert yearly.standard_on("2025-03-01", "城市") == 720 and yearly.standard_on("2024-12-31", "城市") == 700
    dated = parse('[standards.2025]\n"城市" = 1\n[[standard]]\nfrom = "2025-01-01"\n"城市" = 720\n'
                  '[[standard]]\nfrom = 2025-04-01\n"城市" = 750\n[[standard]]\nfrom = "2025-10-01"\n"城市" = 780\n')
    assert [dated.standard_on(d, "城市") for d in ("2025-03-31", "2025-04-01", "2025-09-30", "2025-10-01")] == \
        [720, 750, 750, 780]
    assert dated.standard(2025, "城市") == 780
    with pytest.raises(ValueError, match="from"):
        parse('[[standard]]\nfrom = "四月"\n"城市" = 1\n')
    with pytest.raises(ValueError, match="城市"):
        parse('[[standard]]\nfrom = "2025-01-01"\n"城市" = "720元"\n')


CORPUS = Path(os.environ.get("DIBAO_SAMPLE_CORPUS", Path(__file__).resolve().parents[4] / "shared" / "samples" / "county-a"))


@pytest.mark.skipif(not (CORPUS / "truth.json").exists(), reason=f"外部样例语料不存在：{CORPUS} / sample corpus absent")
def test_sample_person_tables_sum_to_covered_persons(dibao, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for f in (CORPUS / "inbox").rglob("*.xlsx"):  # the sheets carry every person figure; no OCR needed
        target = inbox / f.relative_to(CORPUS / "inbox")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, target)
    dibao("ingest", str(inbox), "--quiet")
    truth = json.loads((CORPUS / "truth.json").read_text(encoding="utf-8"))
    for year, block in truth["stats"].items():
        for scope, want in [(None, block["county"]), *block["townships"].items()]:
            got = dibao.json("stats", "--year", year, *(["--scope", scope] if scope else []))
            assert got["persons_end"] == want["persons_end"] and got["by_age_band"] == want["by_age_band"]
            assert got["disabled_persons"] == want["disabled_persons"]
            assert sum(got["by_age_band"].values()) == sum(got["by_identity"].values()) == got["persons_end"]


def test_staff_income_correction_changes_the_basis_and_is_audited(difference, tmp_path: Path) -> None:
    shared, _ = difference
    run = Runner(tmp_path / "home")
    shutil.copytree(shared.home, run.home)
    out = json.loads(run("income", "H06", "--per-capita", "500", "--from", "2025-11-01", "--json").stdout)
    assert out["before"]["due_monthly"] == 340.0 and out["basis"]["due_monthly"] == 260.0  # (760 − 500) × 1
    assert run.json("household", "show", "H06", "--on", "2025-10-31")["basis"]["income_per_capita"] == 420.5
    assert run.json("household", "show", "H06", "--on", "2025-11-02")["basis"]["due_monthly"] == 260.0
    audit = [e for e in run.json("audit")["entries"] if e["action"] == "income.set"]
    assert len(audit) == 1 and json.loads(audit[0]["detail"])["after"]["due_monthly"] == 260.0 and audit[0]["user"]
    bad = run("income", "H06", "--per-capita", "-5", check=False)
    assert bad.returncode == 2 and "负数" in bad.stderr


def test_the_web_household_page_shows_the_basis_and_coverage(difference, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from archiver.home import Home
    from dibao.web.app import create_app
    from tests.dibao.web.test_security import login

    shared, _ = difference
    run = Runner(tmp_path / "home")
    shutil.copytree(shared.home, run.home)
    run("user", "add", "县局", "--role", "county", "--password", "county-pass-1")
    c = TestClient(create_app(Home(run.home)), base_url="https://testserver")
    assert login(c, "县局", "county-pass-1").status_code == 303
    page = c.get("/households/H02").text
    assert "核算依据" in page and "保障人数 2" in page and "（服刑）" in page


def test_export_columns_income_coverage_and_tier_are_read(dibao, tmp_path: Path) -> None:
    from tests.builders import person_id, write_xlsx

    head, child = person_id("19700101", seq=31), person_id("20120202", seq=32, male=False)
    path = write_xlsx(tmp_path / "全国系统导出2025年6月.xlsx", [
        ["户编号", "户主姓名", "户主身份证号", "成员姓名", "与户主关系", "身份证号码", "保障类别", "分类", "保障档次",
         "分类施保", "家庭年人均收入(元)", "共同生活人数", "是否保障", "不享受原因"],
        ["X1", "钱一", head, "钱一", "户主", head, "农村", "2类", "", "重残", 2400, 2, "保障", ""],
        ["X1", "钱一", head, "钱二", "女", child, "农村", "2类", "", "重残", 2400, 2, "否", "户籍迁出"]])
    dibao("ingest", str(path), "--quiet")
    h = dibao.json("household", "show", "X1", "--on", "2025-06-30")
    assert h["category"] == "B"  # a 差额 county: 2类 is the review class, kept as the tier too (分档: tier only)
    b = h["basis"]
    assert (b["income_per_capita"], b["covered_persons"], b["tier"], b["stated_categories"]) == (200.0, 1, "二类", "重残")
    assert b["due_monthly"] == 560 - 200  # default policy: 差额, 农村 560 (the yearly table read as from 1 January)
    assert [m["covered"] for m in h["members"]] == [True, False] and h["members"][1]["covered_reason"] == "户籍迁出"


def test_a_roster_of_heads_only_keeps_its_persons_count(dibao, tmp_path: Path) -> None:
    """One row per household lists only the head: the roster's 保障人数 stands for the basis and the stats."""
    from tests.builders import person_id, write_xlsx

    head = person_id("19600101", seq=41)
    path = write_xlsx(tmp_path / "2025年3月低保花名册.xlsx", [
        ["户编号", "户主姓名", "户主身份证号", "保障类别", "保障人数", "月保障金额", "纳入日期", "人均月收入"],
        ["Y1", "孙一", head, "城市", 4, 1680, "2024-01-01", 300]])
    dibao("ingest", str(path), "--quiet")
    b = dibao.json("household", "show", "Y1", "--on", "2025-03-31")["basis"]
    assert (b["covered_persons"], b["due_monthly"], b["mode"]) == (4, (720 - 300) * 4, "差额")
    assert dibao.json("stats", "--year", "2025")["persons_end"] == 4
