"""The OCR pool: several worker processes read pages ahead while one process files in input order, so a
batch comes out the same with any number of workers; a kill -9 of ingest leaves no worker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archiver.ocr_pool import Inline, OcrConfig, OcrPool
from dibao.samplescans import render_form, to_jpeg, to_pdf
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import ROOT, Runner

pytestmark = pytest.mark.ocr


def make_inbox(folder: Path) -> None:
    county = small_county(seed=21, n=3)
    folder.mkdir(parents=True)
    write_xlsx(folder / "花名册.xlsx", roster_rows(county))
    for i, h in enumerate(county):
        head = h["members"][0]
        img = render_form(["低保对象定期复核记录", f"户主：{head[0]}  身份证号：{head[1]}", f"复核日期：2025年{i + 1}月5日"])
        if i == 1:  # two pages, the second a continuation
            (folder / f"SCAN_{i}.pdf").write_bytes(to_pdf([img, render_form(["（续页）复核情况说明", "家庭情况无变化"])]))
        else:
            (folder / f"SCAN_{i}.jpg").write_bytes(to_jpeg(img))
    (folder / "SCAN_0_副本.jpg").write_bytes((folder / "SCAN_0.jpg").read_bytes())
    (folder / "坏.jpg").write_bytes(b"not an image")


def outcome(run: Runner, inbox: Path, *flags: str) -> list[tuple]:
    out = run.json("ingest", str(inbox), *flags)
    return [(f["source_name"], f["outcome"], f["kind"], f["reason"],
             [(d["household"], d["type"], d["date"]) for d in f["detail"].get("documents", [])])
            for f in out["files"]]


def test_two_workers_file_exactly_like_one(tmp_path: Path) -> None:
    make_inbox(tmp_path / "inbox")
    one, two = Runner(tmp_path / "one"), Runner(tmp_path / "two")
    one("init")
    two("init")
    a = outcome(one, tmp_path / "inbox", "--workers", "1", "--ocr-threads", "1")
    b = outcome(two, tmp_path / "inbox", "--workers", "2", "--ocr-threads", "1")
    assert a == b
    archived = [r for r in a if r[1] == "archived" and r[2] == "scan"]
    assert len(archived) == 3 and all(r[4][0][1] == "复核记录" for r in archived)
    assert [r[1] for r in a if r[0] == "SCAN_0_副本.jpg"] == ["duplicate"]
    assert [r[1] for r in a if r[0] == "坏.jpg"] == ["quarantined"]


def test_pool_reads_in_submission_order_and_skips_files_never_asked_for(tmp_path: Path) -> None:
    files = []
    for i in range(3):
        f = tmp_path / f"p{i}.jpg"
        f.write_bytes(to_jpeg(render_form([f"第{i}份材料", "收入证明"])))
        files.append(f)
    pool = OcrPool(2, 1)
    try:
        pool.submit([(f, "jpeg") for f in files])
        # the first file is never asked for (a duplicate, say): reading the second must not wait for it
        second = pool.read(files[1], "jpeg")
        third = pool.read(files[2], "jpeg")
    finally:
        pool.close()
    inline = Inline(1)
    assert [p.text for p in second] == [p.text for p in inline.read(files[1], "jpeg")]
    assert "第2份" in third[0].text
    assert pool._executor is None  # closed: the workers' memory is given back


def test_defaults_follow_the_machine() -> None:
    c = OcrConfig.auto()
    assert c.workers >= 1 and c.threads in (0, 1)
    assert OcrConfig.auto(3, 2) == OcrConfig(3, 2)  # asked for: a pool from two scans on
    assert c.min_batch == 4 * c.workers  # chosen: a watcher's few files stay with the warm in-process engine
    assert isinstance(OcrConfig(1, 0).reader(), Inline) and isinstance(OcrConfig(2, 1).reader(), OcrPool)


def _children(pid: int) -> set[int]:
    try:
        return {int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


@pytest.mark.slow
def test_kill_9_of_ingest_leaves_no_worker_running(tmp_path: Path) -> None:
    make_inbox(tmp_path / "inbox")
    run = Runner(tmp_path / "home")
    run("init")
    proc = subprocess.Popen([sys.executable, "-m", "dibao.cli", "--home", str(run.home), "ingest", str(tmp_path / "inbox"),
                             "--quiet", "--workers", "2", "--ocr-threads", "1"], cwd=ROOT,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers |= _children(proc.pid)
        time.sleep(0.2)
    assert workers, "the pool never started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.5)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and "(python" in Path(f"/proc/{w}/stat").read_text() and " Z " not in Path(f"/proc/{w}/stat").read_text()]
    assert alive == []
    assert run("check", check=False).returncode == 0
