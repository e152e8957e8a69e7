"""`dibao backup` / `dibao restore`: taken while `serve` and its watcher file documents, incremental,
rotated, refused when incomplete or damaged, and a restore that is the same archive again."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from archiver.backup.snapshots import MANIFEST, PARTIAL, snapshots
from archiver.backup.take import backup
from archiver.home import Home
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import DIBAO, ROOT, Runner

pytestmark = pytest.mark.cli


def _at(iso: str) -> Callable[[], dt.datetime]:
    """A clock stopped at `iso` (UTC)."""
    return lambda: dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC)


def _docx(path: Path, name: str, id_number: str, title: str = "收入证明") -> Path:
    d = docx.Document()
    d.add_paragraph(title)
    d.add_paragraph(f"兹证明{name}（身份证号：{id_number}）家庭月收入三百元，情况属实。")
    d.add_paragraph("2025年3月3日")
    d.save(str(path))
    return path


@pytest.fixture
def county(dibao: Runner, tmp_path: Path) -> list[dict]:
    c = small_county(seed=17, n=6)
    dibao("ingest", str(write_xlsx(tmp_path / "花名册.xlsx", roster_rows(c))), "--quiet")
    return c


def _answers(run: Runner, queries: list[str]) -> dict:
    """What an office sees: the household list, every household's documents, the top search results."""
    hs = run.json("household", "list")["households"]
    docs = {h["household_id"]: [(d["document_id"], d["type"], d["sha256"], d["path"])
                                for d in run.json("household", "show", h["household_id"])["documents"]] for h in hs}
    top = {}
    for q in queries:
        res = run.json("search", q)["results"]
        top[q] = [r["household_id"] for r in res[:3]]
    return {"households": hs, "documents": docs, "search": top}


def test_backup_while_serve_files_then_restore_is_the_same_archive(dibao: Runner, county: list[dict],
                                                                   tmp_path: Path) -> None:
    from tests.dibao.web.server import running

    drop = tmp_path / "drop"
    drop.mkdir()
    inbox = dibao.home / "inbox"
    bk = tmp_path / "bk"
    results: list[subprocess.CompletedProcess] = []
    with running(dibao.home):
        def feed() -> None:  # a scanner station writing into the inbox while backups run
            for i, h in enumerate(county):
                for j, (name, idn, *_rest) in enumerate(h["members"][:2]):
                    f = _docx(drop / f"证明{i}_{j}.docx", name, idn, ["收入证明", "承诺书"][j % 2])
                    os.replace(f, inbox / f.name)
                    time.sleep(0.4)

        feeder = threading.Thread(target=feed)
        feeder.start()
        while feeder.is_alive():
            results.append(dibao("backup", str(bk), "--quiet", check=False))
        feeder.join()
        expected, filed = sum(len(h["members"][:2]) for h in county), -1
        for _ in range(240):  # the watcher settles each file for a second, then files it: poll until it has
            filed = sum(len(dibao.json("household", "show", h["no"])["documents"]) for h in county)
            if filed == expected and not any(p.is_file() for p in inbox.rglob("*")):
                break
            time.sleep(0.25)
        assert filed == expected
        assert dibao.json("quarantine", "list")["items"] == []
        final = dibao("backup", str(bk), check=False)
        results.append(final)
    for r in results:
        assert r.returncode == 0, r.stdout + r.stderr
    assert "已校验" in final.stdout
    snaps = snapshots(bk)
    assert len(snaps) == len(results) >= 2
    documents = [json.loads((s / MANIFEST).read_text())["catalog"]["counts"]["documents"] for s in snaps]
    assert documents[0] < documents[-1], f"no backup was taken while files were being filed: {documents}"

    # every snapshot taken mid-filing restores to a clean home holding a consistent subset
    for k, snap in enumerate(snaps[:-1][:2]):
        mid = Runner(tmp_path / f"mid{k}")
        r = mid("restore", str(snap))
        assert "恢复" in r.stdout
        assert mid("check").returncode == 0

    # the last one, taken after the watcher finished, while serve still ran: the same archive
    queries = [county[0]["members"][0][0], county[3]["members"][0][0], "收入证明", "承诺书", county[5]["no"]]
    rest = Runner(tmp_path / "restored")
    assert not rest.home.exists()
    rest("restore", str(bk))
    check = rest("check")
    assert "0 个错误" in check.stdout and "schema v" in check.stdout
    assert _answers(rest, queries) == _answers(dibao, queries)
    assert {p.name for p in rest.home.iterdir()} >= {"catalog.sqlite", "files", "index", "policy.toml", "inbox"}


def test_incremental_backup_links_unchanged_files_rotates_and_backs_up_unknown_folders(
        dibao: Runner, county: list[dict], tmp_path: Path) -> None:
    h = county[0]
    dibao("ingest", str(_docx(tmp_path / "a.docx", h["members"][0][0], h["members"][0][1])), "--quiet")
    extra = dibao.home / "新功能" / "数据.bin"  # a folder a later feature adds: backed up without being named
    extra.parent.mkdir()
    extra.write_bytes(os.urandom(5000))
    bk = tmp_path / "bk"
    home = Home(dibao.home)
    first = backup(home, bk, clock=_at("2025-03-01T02:30:00")).path  # dated by the clock it is given
    assert first.name == "dibao-20250301T023000Z" and snapshots(bk) == [first]
    m1 = json.loads((first / MANIFEST).read_text())
    assert m1["created_at"] == "2025-03-01T02:30:00+00:00"
    assert "新功能/数据.bin" in m1["files"] and "catalog.sqlite" in m1["files"]
    assert not any(k.startswith(("tmp/", "inbox/")) or k.endswith(("-wal", "-shm")) for k in m1["files"])

    h2 = county[1]
    dibao("ingest", str(_docx(tmp_path / "b.docx", h2["members"][0][0], h2["members"][0][1])), "--quiet")
    second = backup(home, bk, clock=_at("2025-03-02T02:30:00")).path
    assert snapshots(bk) == [first, second]
    m2 = json.loads((second / MANIFEST).read_text())
    new_doc = [d["path"] for d in dibao.json("household", "show", h2["no"])["documents"]][0]
    assert new_doc in m2["files"] and new_doc not in m1["files"]
    assert m2["previous"] == first.name and m2["linked"] >= 1
    # unchanged files are the same inode as in the first snapshot: copied once, never again
    assert (second / "新功能/数据.bin").stat().st_ino == (first / "新功能/数据.bin").stat().st_ino
    assert (second / new_doc).stat().st_nlink == 1
    old_doc = [d["path"] for d in dibao.json("household", "show", h["no"])["documents"]][0]
    assert (second / old_doc).stat().st_ino == (first / old_doc).stat().st_ino

    r = dibao("backup", str(bk), "--keep", "2")  # today, by the real clock: the newest of three
    assert first.name in r.stdout and not first.exists()
    assert len(snapshots(bk)) == 2
    rest = Runner(tmp_path / "r")
    out = json.loads(rest("restore", str(bk), "--json").stdout)
    assert out["verified"] is True and out["index"] in ("copied", "rebuilt") and out["problems"] == []
    assert (rest.home / "新功能" / "数据.bin").read_bytes() == extra.read_bytes()
    assert rest("check").returncode == 0


def _only_whole_snapshots_claim_completeness(bk: Path) -> None:
    """Every folder that looks finished has a manifest, and every file it lists is there at its size."""
    for d in bk.iterdir() if bk.exists() else []:
        if d.is_dir() and not d.name.endswith(PARTIAL):
            m = json.loads((d / MANIFEST).read_text())
            assert m["complete"] is True
            for rel, e in m["files"].items():
                assert (d / rel).stat().st_size == e["size"], rel


@pytest.mark.slow
def test_kill_9_during_backup_leaves_nothing_that_claims_to_be_complete(dibao: Runner, county: list[dict],
                                                                       tmp_path: Path) -> None:
    bulk = dibao.home / "附件"
    bulk.mkdir()
    for i in range(150):
        (bulk / f"{i:03d}.bin").write_bytes(os.urandom(300_000))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    interrupted = []
    for k, after in enumerate((0.0, 0.05, 0.2, 0.5, 1.0)):  # seconds after the snapshot folder appeared
        bk = tmp_path / f"bk{k}"
        p = subprocess.Popen([*DIBAO, "--home", str(dibao.home), "backup", str(bk), "--quiet"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while not (bk.exists() and list(bk.glob("*" + PARTIAL))) and p.poll() is None and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(after)
        p.send_signal(signal.SIGKILL)
        p.wait()
        _only_whole_snapshots_claim_completeness(bk)
        if list(bk.glob("*" + PARTIAL)):
            interrupted.append(bk)
            assert snapshots(bk) == []  # nothing in this folder claims to be a backup
            for x in bk.glob("*" + PARTIAL):  # an interrupted snapshot is refused by restore, with the reason
                r = Runner(tmp_path / f"r{k}")("restore", str(x), check=False)
                assert r.returncode == 2 and "不完整" in r.stderr
            r = Runner(tmp_path / f"r{k}")("restore", str(bk), check=False)
            assert r.returncode == 2 and "找不到完整的备份" in r.stderr
    assert interrupted, "no kill landed during a backup; make the home bigger"
    bk = interrupted[-1]
    r = dibao("backup", str(bk))
    assert "删除中断的备份" in r.stdout
    assert not list(bk.glob("*" + PARTIAL)) and len(snapshots(bk)) == 1
    rest = Runner(tmp_path / "final")
    rest("restore", str(bk))
    assert rest("check").returncode == 0
    assert sorted(p.name for p in (rest.home / "附件").iterdir()) == sorted(p.name for p in bulk.iterdir())


def test_restore_refuses_a_non_empty_home_and_a_damaged_backup(dibao: Runner, county: list[dict],
                                                               tmp_path: Path) -> None:
    h = county[2]
    dibao("ingest", str(_docx(tmp_path / "c.docx", h["members"][0][0], h["members"][0][1])), "--quiet")
    bk = tmp_path / "bk"
    dibao("backup", str(bk))
    r = dibao("restore", str(bk), check=False)  # into the live home
    assert r.returncode == 2 and "不是空目录" in r.stderr
    r = dibao("backup", str(dibao.home / "files" / "bk"), check=False)
    assert r.returncode == 2 and "档案库目录之内" in r.stderr
    snap = snapshots(bk)[-1]
    from archiver.catalog import LATEST

    newer = tmp_path / "newer" / snap.name  # a backup written by a newer dibao is refused before any copying
    shutil.copytree(snap, newer)
    m = json.loads((newer / MANIFEST).read_text())
    (newer / MANIFEST).write_text(json.dumps({**m, "schema_version": LATEST + 1}))
    r = Runner(tmp_path / "n")("restore", str(newer), check=False)
    assert r.returncode == 2 and "升级 dibao" in r.stderr and not (tmp_path / "n").exists()
    doc = dibao.json("household", "show", h["no"])["documents"][0]["path"]
    target = snap / doc
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.unlink()  # a hard link would damage the live file too; backups are written as new files
    target.write_bytes(bytes(data))
    rest = Runner(tmp_path / "r")
    r = rest("restore", str(bk), check=False)
    assert r.returncode == 1 and "已损坏" in r.stderr and doc in r.stderr
    assert not rest.home.exists()
    assert dibao("check").returncode == 0


def _old_catalog(path: Path, version: int) -> None:
    from archiver.catalog.schema import MIGRATIONS

    db = sqlite3.connect(path)
    for v, sql in MIGRATIONS:
        if v <= version:
            db.executescript(sql)
    db.execute(f"PRAGMA user_version={version}")
    db.execute("INSERT INTO audit(at, user, action) VALUES ('2025-01-01', 'old', 'kept')")
    db.commit()
    db.close()


def test_upgrade_announces_itself_backs_up_first_and_refuses_a_newer_catalog(tmp_path: Path) -> None:
    from archiver.catalog import LATEST

    home = tmp_path / "home"
    home.mkdir()
    _old_catalog(home / "catalog.sqlite", 3)
    run = Runner(home)
    r = run("init")
    assert "v3 → v" in r.stderr and "备份" in r.stderr
    copies = list((home / "backups").glob("catalog-v3-*.sqlite"))
    assert len(copies) == 1
    db = sqlite3.connect(copies[0])
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert db.execute("SELECT user FROM audit").fetchall() == [("old",)]
    db.close()
    r = run("check")
    assert f"schema v{LATEST}" in r.stdout and "v3 →" not in r.stderr  # announced once, not on every run

    newer = tmp_path / "newer"
    newer.mkdir()
    _old_catalog(newer / "catalog.sqlite", 3)
    db = sqlite3.connect(newer / "catalog.sqlite")
    db.execute(f"PRAGMA user_version={LATEST + 1}")
    db.commit()
    db.close()
    r = Runner(newer)("household", "list", check=False)
    assert r.returncode == 2 and f"v{LATEST + 1}" in r.stderr and "升级 dibao" in r.stderr
    db = sqlite3.connect(newer / "catalog.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST + 1  # nothing applied, nothing lost
    assert db.execute("SELECT user FROM audit").fetchall() == [("old",)]
    db.close()
    assert not (newer / "backups").exists()


def test_rotation_keeps_the_newest_and_the_first_of_each_month() -> None:
    from archiver.backup.snapshots import rotate

    found = [Path(f"/bk/dibao-2025{m:02d}{d:02d}T023000Z") for m in (1, 2, 3) for d in (1, 15, 28)]
    gone = rotate(found, keep=2, keep_monthly=2)
    kept = [p.name[6:14] for p in found if p not in gone]
    assert kept == ["20250201", "20250301", "20250315", "20250328"]
    assert [p.name[6:14] for p in found if p not in rotate(found, keep=3)] == ["20250301", "20250315", "20250328"]


def test_version() -> None:
    r = subprocess.run([*DIBAO, "--version"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.startswith("dibao ") and any(c.isdigit() for c in r.stdout)


def test_account_changes_written_before_the_account_column_are_found_after_upgrade(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _old_catalog(home / "catalog.sqlite", 14)
    db = sqlite3.connect(home / "catalog.sqlite")
    db.executemany("INSERT INTO changes(at, user, what, before, after) VALUES ('2026-11-30T10:00:00', '县局', ?, ?, ?)",
                   [("停用账户", "用户 王五", "停用"), ("用户 王五 的角色和辖区", "村 甲镇/一村", "乡镇 甲镇"),
                    ("停用账户", "用户 赵六", "停用")])
    db.commit()
    db.close()
    run = Runner(home)
    run("init")
    trail = run.json("history", "--user")["changes"]
    assert [(c["account"], c["what"]) for c in trail] == [("王五", "停用账户"), ("王五", "用户 王五 的角色和辖区"),
                                                          ("赵六", "停用账户")]

