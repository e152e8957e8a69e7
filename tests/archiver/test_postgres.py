"""The catalog on PostgreSQL (issue 28): the same schema, the same answers, one truth under many writers.

Every test here runs against a real throw-away PostgreSQL server the tests start (tests/pgserver.py);
the rest of the catalog, resilience and web security suites run on it too with DIBAO_TEST_POSTGRES=1.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from archiver.catalog import Catalog
from archiver.catalog.postgres import translate
from archiver.home import Home
from dibao.samplescans import render_form, to_jpeg
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import POSTGRES, Runner, pg_server

pytestmark = pytest.mark.cli


def test_statements_translate_sqlite_habits_and_keep_literals() -> None:
    text, table = translate("SELECT * FROM audit WHERE user = ? AND note IS NOT ? AND detail LIKE 'a?%' AND u.user = ?")
    assert text == ("SELECT * FROM audit WHERE \"user\" = %s AND note IS DISTINCT FROM %s AND detail LIKE 'a?%%' "
                    "AND u.user = %s") and table is None
    text, table = translate("INSERT OR IGNORE INTO incomes(household_id, date) VALUES (?, ?)")
    assert text == "INSERT INTO incomes(household_id, date) VALUES (%s, %s) ON CONFLICT DO NOTHING" and table == "incomes"
    assert translate("INSERT INTO x(a) SELECT a FROM y")[1] is None  # several rows: no single new id
    with pytest.raises(ValueError, match="ON CONFLICT"):
        translate("INSERT OR REPLACE INTO t(a) VALUES (?)")


def _columns_sqlite(path: Path) -> dict[str, list[str]]:
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out = {t: sorted(r[1] for r in db.execute(f"PRAGMA table_info({t})")) for t in tables}
    db.close()
    return out


def _columns_pg(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as db:
        rows = db.execute("SELECT table_name, column_name FROM information_schema.columns "
                          "WHERE table_schema = 'public'").fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    out.pop("dibao_schema")
    return {t: sorted(c) for t, c in sorted(out.items())}


def test_every_migration_builds_the_same_tables_on_both(tmp_path: Path) -> None:
    lite = Catalog(tmp_path / "c.sqlite")
    url = pg_server().new_database()
    pg = Catalog(url)
    assert pg.schema_version() == lite.schema_version() > 20
    lite.close()
    pg.close()
    assert _columns_pg(url) == _columns_sqlite(tmp_path / "c.sqlite")


def test_init_refuses_a_password_in_the_address_and_names_an_unreachable_server(tmp_path: Path) -> None:
    run = Runner(tmp_path / "home")
    r = run("init", "--database", "postgresql://dibao:s3cret@127.0.0.1:1/dibao", check=False)
    assert r.returncode == 2 and "不能写密码" in r.stderr and "s3cret" not in r.stderr + r.stdout
    assert not (tmp_path / "home" / "database.toml").exists()
    r = run("init", "--database", "postgresql://dibao@127.0.0.1:1/dibao", check=False)
    assert r.returncode == 2 and "无法连接档案库数据库" in r.stderr and "Traceback" not in r.stderr


def _office_inbox(folder: Path) -> list[dict]:
    county = small_county(seed=28, n=6)
    folder.mkdir(parents=True)
    write_xlsx(folder / "花名册.xlsx", roster_rows(county))
    for i, h in enumerate(county[:3]):
        name, idn, _ = h["members"][0]
        (folder / f"SCAN_{i}.jpg").write_bytes(to_jpeg(render_form(["收入证明", f"兹证明{name}（身份证号：{idn}）",
                                                                      "2025年1月2日"])))
    (folder / "坏.jpg").write_bytes(b"not an image")
    return county


def _answers(run: Runner, county: list[dict]) -> dict:
    households = run.json("household", "list")["households"]
    shown = [run.json("household", "show", h["household_id"]) for h in households]
    for s in shown:
        for d in s["documents"]:
            d.pop("document_id")
    return {"stats": run.json("stats", "--year", "2025"), "households": households, "shown": shown,
            "quarantine": sorted((i["source_name"], i["reason"]) for i in run.json("quarantine", "list")["items"]),
            "check": run("check").returncode,
            "search": [[hit["household_id"] for hit in run.json("search", h["members"][0][0])["results"]]
                       for h in county]}


@pytest.mark.ocr
def test_the_same_inbox_gives_the_same_answers_on_both(tmp_path: Path) -> None:
    county = _office_inbox(tmp_path / "inbox")
    lite, pg = Runner(tmp_path / "lite"), Runner(tmp_path / "pg")
    lite("init")
    pg("init", "--database", pg_server().new_database())
    assert "postgresql://" in (tmp_path / "pg" / "database.toml").read_text(encoding="utf-8")
    assert not (tmp_path / "pg" / "catalog.sqlite").exists()
    for run in (lite, pg):
        run("ingest", str(tmp_path / "inbox"), "--quiet")
    expected = _answers(lite, county)
    assert len(expected["households"]) == len(county) and expected["quarantine"] and expected["check"] == 0
    assert all(expected["search"])
    assert _answers(pg, county) == expected


def _guess(url: str, n: int) -> list[str]:
    from dibao import users

    def one(_: int) -> str:
        cat = Catalog(url)  # one catalog per request, as the web's handlers open it
        try:
            users.login(cat, "二村", "wrong-password", "10.0.0.9")
        except users.LoginRefused:
            return "refused"
        finally:
            cat.close()
        return "in"

    with ThreadPoolExecutor(8) as pool:  # a serve process answers requests on several threads
        return list(pool.map(one, range(n)))


def test_parallel_wrong_passwords_from_two_processes_lock_after_exactly_the_limit(tmp_path: Path) -> None:
    from dibao import users

    url = pg_server().new_database()
    run = Runner(tmp_path / "home")
    run("init", "--database", url)
    cat = Catalog.of(Home(tmp_path / "home"))
    users.add(cat, "二村", "village-pass-2", "county", "")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.starmap(_guess, [(url, 60), (url, 60)])
    assert all(r == "refused" for part in results for r in part)
    row = cat.user("二村")
    assert row["failed_logins"] == users.MAX_FAILURES and row["locked_until"]
    checked = [a for a in cat.audit_rows(user="二村") if a["action"] == "login.failed"]
    assert len(checked) == users.MAX_FAILURES  # of 120 guesses, exactly the limit were checked
    cat.close()


def test_database_toml_names_the_server_without_its_password(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("not-needed-by-trust-auth\n", encoding="utf-8")
    run = Runner(tmp_path / "home")
    run("init", "--database", pg_server().new_database(), "--password-file", str(secret))
    text = (tmp_path / "home" / "database.toml").read_text(encoding="utf-8")
    assert "password_file" in text and "not-needed" not in text
    assert json.loads(run("stats", "--year", "2025", "--json").stdout) is not None


@pytest.mark.ocr
def test_migrate_database_moves_a_sqlite_home_and_proves_it(tmp_path: Path) -> None:
    county = _office_inbox(tmp_path / "inbox")
    if POSTGRES:
        pytest.skip("the suite runs with DIBAO_TEST_POSTGRES: every home is on PostgreSQL from the start")
    run = Runner(tmp_path / "home")
    run("init")
    run("ingest", str(tmp_path / "inbox"), "--quiet")
    run("household", "set", county[0]["no"], "--phone", "13800000000", "--note", "户主来电更正")
    before = _answers(run, county)
    url = pg_server().new_database()
    moved = run.json("migrate-database", "--to", url)
    assert moved["households"] == len(county) and moved["rows"]["households"] == len(county)
    assert not (tmp_path / "home" / "catalog.sqlite").exists()
    kept = sqlite3.connect(tmp_path / "home" / moved["kept"])  # whole by itself: its WAL folded in
    assert kept.execute("SELECT count(*) FROM households").fetchone()[0] == len(county)
    kept.close()
    assert not Path(f"{tmp_path / 'home' / moved['kept']}-wal").exists()
    assert _answers(run, county) == before  # stats, households, quarantine, check and search the same
    run("ingest", str(tmp_path / "inbox"), "--quiet")  # new rows get new ids after the copied ones
    assert _answers(run, county) == before
    again = run("migrate-database", "--to", pg_server().new_database(), check=False)
    assert again.returncode == 2 and "已在数据库服务器上" in again.stderr


def test_migrate_database_refuses_a_target_with_rows(tmp_path: Path) -> None:
    used = Runner(tmp_path / "used")
    url = pg_server().new_database()
    used("init", "--database", url)
    from dibao import users

    cat = Catalog(url)
    users.add(cat, "县局", "county-pass-1", "county", "")
    cat.close()
    if POSTGRES:
        pytest.skip("the suite runs with DIBAO_TEST_POSTGRES: every home is on PostgreSQL from the start")
    run = Runner(tmp_path / "home")
    run("init")
    r = run("migrate-database", "--to", url, check=False)
    assert r.returncode == 2 and "不是空的" in r.stderr
    assert (tmp_path / "home" / "catalog.sqlite").exists() and not (tmp_path / "home" / "database.toml").exists()


@pytest.mark.ocr
def test_backup_and_restore_of_a_catalog_on_postgresql(tmp_path: Path) -> None:
    county = _office_inbox(tmp_path / "inbox")
    run = Runner(tmp_path / "home")
    run("init", "--database", pg_server().new_database())
    run("ingest", str(tmp_path / "inbox"), "--quiet")
    before = _answers(run, county)
    made = run.json("backup", str(tmp_path / "bk"))
    snap = Path(made["path"]) if "path" in made else next((tmp_path / "bk").glob("dibao-*"))
    manifest = json.loads((snap / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["catalog_dialect"] == "postgresql" and "catalog.pgdump" in manifest["files"]
    assert manifest["catalog"]["counts"]["households"] == len(county)
    restored = Runner(tmp_path / "restored")
    refused = restored("restore", str(tmp_path / "bk"), check=False)
    assert refused.returncode == 2 and "--database" in refused.stderr
    target = pg_server().new_database()
    out = restored.json("restore", str(tmp_path / "bk"), "--database", target)
    assert out["verified"] and out["problems"] == []
    assert target in (tmp_path / "restored" / "database.toml").read_text(encoding="utf-8")
    assert not (tmp_path / "restored" / "catalog.pgdump").exists()
    assert _answers(restored, county) == before
    again = Runner(tmp_path / "again")("restore", str(tmp_path / "bk"), "--database", target, check=False)
    assert again.returncode == 2 and "不是空的" in again.stderr  # the first restore's database is not overwritten


@pytest.mark.ocr
def test_two_processes_filing_one_inbox_file_each_input_once(tmp_path: Path) -> None:
    """Two watchers (here two ingests) on one PostgreSQL catalog see the same files: each is filed once."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    county = _office_inbox(tmp_path / "inbox")
    lite = Runner(tmp_path / "lite")
    lite("init")
    lite("ingest", str(tmp_path / "inbox"), "--quiet")
    run = Runner(tmp_path / "home")
    run("init", "--database", pg_server().new_database())
    argv = [sys.executable, "-m", "dibao.cli", "--home", str(run.home), "ingest", str(tmp_path / "inbox"), "--quiet"]
    procs = [subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    assert _answers(run, county) == _answers(lite, county)
    cat = Catalog.of(Home(run.home))
    assert len(cat.files()) == len(list((tmp_path / "inbox").iterdir()))  # one row per input, none twice
    cat.close()
