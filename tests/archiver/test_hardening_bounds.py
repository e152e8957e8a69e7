"""Hostile and concurrent input (issue 22, robustness half): two writers of the search index at once, decodes
without bounds (multi-frame TIFF, a docx of millions of paragraphs, nested zip bombs), inputs with the same
bytes and zip members dropped, and policy values that would crash ingest, inspect or notices. Every hostile
file is built here, small on disk; the real CLI runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import DIBAO, ROOT, Runner


def _county(seed: int, n: int, township: str) -> list[dict]:
    out = small_county(seed=seed, n=n)
    for i, h in enumerate(out):
        h["township"] = township
        h["no"] = f"{township}{i:05d}"
        h["members"] = [(f"{township}{m[0]}", *m[1:]) for m in h["members"]]
    return out


def _start(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen([*DIBAO, "--home", str(home), *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


HOLD_WRITER = """
import sys, time, tantivy
from archiver.home import Home
from archiver.index import TantivyIndex
from pathlib import Path
idx = TantivyIndex(Home(Path(sys.argv[1])))
w = idx.open().writer(heap_size=50_000_000, num_threads=1)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_two_concurrent_ingests_both_finish_and_search_finds_everything(dibao: Runner, tmp_path: Path) -> None:
    home = dibao.home
    seed = tmp_path / "seed"
    seed.mkdir()
    write_xlsx(seed / "种子.xlsx", roster_rows(_county(1, 2, "起始镇"), title="起始镇2025年12月城乡低保花名册"))
    dibao("ingest", str(seed), "--quiet")  # the index exists: the next writers compete for it
    towns = ["东风镇", "西河乡", "南山镇", "北岭乡"]
    folders = []
    for n, town in enumerate(towns):
        folder = tmp_path / town
        folder.mkdir()
        write_xlsx(folder / f"{town}.xlsx", roster_rows(_county(10 + n, 60, town), title=f"{town}2025年12月城乡低保花名册"))
        folders.append(folder)
    # two ingests started together, as two clerks (or the watcher and a clerk) would
    first = [_start(home, "ingest", str(f), "--json") for f in folders[:2]]
    for p in first:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
        assert json.loads(out)["archived"] == 1
    # two more while another writer (a web correction's sync, an older dibao) holds tantivy's writer
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(home), "20"], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    second = [_start(home, "ingest", str(f), "--json") for f in folders[2:]]
    for p in second:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]  # never "程序内部错误" from tantivy's LockBusy
        assert "程序内部错误" not in err
        assert json.loads(out)["archived"] == 1
    holder.wait(timeout=60)
    for town in towns:  # what the busy writer left queued is drained by the next sync (here: the search)
        r = dibao.json("search", f"{town}测试3甲", "--limit", "5")
        assert r["total"] >= 1, town
        assert r["results"][0]["township"] == town
    assert dibao("check").returncode == 0
