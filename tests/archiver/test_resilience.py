"""A kill -9 at any moment leaves a consistent archive, and re-running finishes the work; the watcher
takes only completely written files, survives bad ones and stops cleanly."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dibao.samplescans import render_form, to_jpeg, to_pdf
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import ROOT, Runner

pytestmark = pytest.mark.ocr

KILLS = 20


def make_inbox(folder: Path) -> list[dict]:
    county = small_county(seed=9, n=4)
    folder.mkdir(parents=True)
    write_xlsx(folder / "花名册.xlsx", roster_rows(county))
    for i, h in enumerate(county):
        head = h["members"][0]
        img = render_form(["低保对象定期复核记录", f"户主：{head[0]}  身份证号：{head[1]}", f"复核日期：2025年{i + 1}月5日"])
        if i % 2:
            (folder / f"SCAN_{i}.pdf").write_bytes(to_pdf([img]))
        else:
            (folder / f"SCAN_{i}.jpg").write_bytes(to_jpeg(img))
    (folder / "坏.jpg").write_bytes(b"not an image")
    return county


def state(run: Runner) -> dict:
    """Everything a clerk can see, without ids that depend on timing."""
    out = {}
    for h in run.json("household", "list")["households"]:
        show = run.json("household", "show", h["household_id"])
        for d in show["documents"]:
            d.pop("document_id")
        out[h["household_id"]] = show
    out["_quarantine"] = sorted((i["source_name"], i["reason"]) for i in run.json("quarantine", "list")["items"])
    return out


@pytest.mark.slow
def test_kill_at_random_points_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    make_inbox(tmp_path / "inbox-a")
    # the same bytes for both runs: a scanner's PDF carries its creation time, so two builds a second apart differ
    shutil.copytree(tmp_path / "inbox-a", tmp_path / "inbox-b")
    clean = Runner(tmp_path / "clean")
    clean("init")
    clean("ingest", str(tmp_path / "inbox-a"), "--quiet", "--move")
    expected = state(clean)

    killed = Runner(tmp_path / "killed")
    killed("init")
    rng = random.Random(4)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-m", "dibao.cli", "--home", str(killed.home), "ingest",
                                 str(tmp_path / "inbox-b"), "--quiet", "--move"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        r = killed("check", check=False)
        assert r.returncode == 0, r.stdout
    killed("ingest", str(tmp_path / "inbox-b"), "--quiet", "--move")
    assert killed("check").returncode == 0
    assert state(killed) == expected
    assert list((tmp_path / "inbox-b").iterdir()) == []  # every input ended filed, duplicate or quarantined


def test_watcher_waits_for_complete_files_survives_bad_ones_and_stops_cleanly(dibao, tmp_path: Path) -> None:
    county = small_county(seed=3, n=2)
    write_xlsx(tmp_path / "roster.xlsx", roster_rows(county))
    dibao("ingest", str(tmp_path / "roster.xlsx"), "--quiet")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "左边的旧文件.jpg").write_bytes(b"garbage left from a previous run")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "dibao.cli", "--home", str(dibao.home), "watch", "--inbox", str(inbox),
                             "--settle", "1.5", "--rescan", "2", "--poll"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        head = county[1]["members"][0]
        data = to_jpeg(render_form(["收入证明", f"兹证明{head[0]}（身份证号：{head[1]}）月收入约200元。", "2025年5月6日"]))
        target = inbox / "SCAN_slow.jpg"
        with open(target, "wb") as f:  # a scanner writing slowly over a network share
            for i in range(0, len(data), max(1, len(data) // 6)):
                f.write(data[i: i + max(1, len(data) // 6)])
                f.flush()
                time.sleep(0.6)
        deadline = time.time() + 120
        docs: list = []
        while time.time() < deadline:
            docs = dibao.json("household", "show", county[1]["no"])["documents"]
            if docs and not target.exists():
                break
            time.sleep(1)
        assert [d["type"] for d in docs] == ["收入证明"]
        assert not target.exists()
        items = {i["source_name"] for i in dibao.json("quarantine", "list")["items"]}
        assert "左边的旧文件.jpg" in items  # picked up at start, quarantined, the loop went on
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "已停止" in out
    assert dibao("check").returncode == 0
    log = (dibao.home / "logs" / "dibao.log").read_text(encoding="utf-8")
    assert county[1]["members"][0][1] not in log
    assert "Traceback" not in err
