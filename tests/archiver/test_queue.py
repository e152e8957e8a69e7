"""OCR workers on a queue (issue 28): a real Debian redis-server started here on a free loopback port (no
persistence, in a temp folder) and real `dibao worker` processes. A batch read by two workers — or by two
with one SIGKILLed mid-file — files exactly as the local pool does; a file that kills its worker twice is
quarantined with the pool's reason; an unreachable broker stops ingest with exit 2 and files nothing."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.ocr_pool import WORKER_CRASHED
from dibao.samplescans import render_form, to_jpeg
from tests.archiver.test_ocr_pool import make_inbox
from tests.conftest import ROOT, Runner

pytestmark = pytest.mark.slow
redis = pytest.importorskip("redis")
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is not installed (scripts/install-debian.sh --test)")
    port, folder = free_port(), tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                             "no", "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def broker(redis_server: str) -> Iterator[str]:
    client = redis.Redis.from_url(redis_server)
    client.flushall()
    yield redis_server
    client.close()


class Workers:
    """`dibao worker` processes, each in its own session so a SIGKILL takes its pool children with it."""

    def __init__(self, url: str) -> None:
        self.url, self.procs = url, []  # type: ignore[var-annotated]

    def start(self, env: dict[str, str] | None = None) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "dibao.cli", "worker", "--broker", self.url, "--concurrency", "1",
                                 "--visibility-timeout", "15"], cwd=ROOT, env={**os.environ, **(env or {})},
                                start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)


@pytest.fixture
def workers(broker: str) -> Iterator[Workers]:
    w = Workers(broker)
    yield w
    w.stop()


def corpus(folder: Path) -> Path:
    """The OCR pool's test inbox (roster, scans, a PDF of two pages, a copy, a broken image) and three more."""
    make_inbox(folder)
    for i in range(3):
        (folder / f"材料_{i}.jpg").write_bytes(to_jpeg(render_form([f"第{i}份材料", "收入证明", "无户主信息"])))
    return folder


def views(run: Runner) -> dict[str, str]:
    """What the office sees of a home: figures, households, quarantine, check."""
    return {"stats": run("stats", "--year", "2025", "--json").stdout, "households": run("household", "list", "--json").stdout,
            "quarantine": run("quarantine", "list").stdout, "check": run("check").stdout}


def test_two_workers_file_exactly_like_the_local_pool(tmp_path: Path, workers: Workers) -> None:
    inbox = corpus(tmp_path / "inbox")
    local, queued = Runner(tmp_path / "local"), Runner(tmp_path / "queued")
    local("init")
    queued("init")
    local("ingest", str(inbox), "--quiet")
    workers.start()
    workers.start()
    queued("ingest", str(inbox), "--quiet", "--broker", workers.url)
    seen = views(local)
    assert views(queued) == seen
    assert "坏.jpg" in seen["quarantine"] and "材料_2.jpg" in seen["quarantine"] and "户 3，文件 8，档案 3" in seen["check"]


def test_files_travel_as_bytes_when_nothing_is_shared(tmp_path: Path, workers: Workers) -> None:
    inbox = corpus(tmp_path / "inbox")
    local, queued = Runner(tmp_path / "local"), Runner(tmp_path / "queued")
    local("init")
    queued("init")
    (queued.home / "policy.toml").write_text(
        f'[cluster]\nbroker = "{workers.url}"\nfiles = "bytes"\n', encoding="utf-8")
    local("ingest", str(inbox), "--quiet")
    workers.start()
    queued("ingest", str(inbox), "--quiet")  # the broker from [cluster]
    assert views(queued) == views(local)


def test_a_worker_killed_mid_file_has_its_task_delivered_again(tmp_path: Path, workers: Workers) -> None:
    inbox = corpus(tmp_path / "inbox")
    local, queued = Runner(tmp_path / "local"), Runner(tmp_path / "queued", subprocess=True)
    local("init")
    queued("init")
    local("ingest", str(inbox), "--quiet")
    first = workers.start()
    client = redis.Redis.from_url(workers.url)
    ingest = subprocess.Popen([sys.executable, "-m", "dibao.cli", "--home", str(queued.home), "ingest", str(inbox),
                               "--quiet", "--broker", workers.url], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not client.keys("dibao:starts:*") and time.monotonic() < deadline:
        time.sleep(0.02)
    workers.kill(first)  # the whole worker, mid-file: its task waits out the visibility timeout
    unfinished = client.keys("dibao:starts:*")
    assert unfinished, "the killed worker had started a file it never finished"
    workers.start()
    out, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err
    assert views(queued) == views(local)


def test_a_file_that_kills_its_worker_twice_is_quarantined(tmp_path: Path, workers: Workers) -> None:
    inbox = corpus(tmp_path / "inbox")
    (inbox / "毒.jpg").write_bytes(to_jpeg(render_form(["这一页会杀死读取它的进程"])))
    run = Runner(tmp_path / "queued")
    run("init")
    proc = workers.start({"DIBAO_TEST_ONLY_KILL_ON": "毒.jpg"})
    out = run.json("ingest", str(inbox), "--broker", workers.url)
    poisoned = [f for f in out["files"] if f["source_name"] == "毒.jpg"]
    assert [(f["outcome"], f["reason"]) for f in poisoned] == [("quarantined", WORKER_CRASHED)]
    assert "毒.jpg" in run("quarantine", "list").stdout
    assert sum(f["outcome"] == "archived" for f in out["files"]) >= 4  # the rest filed by the same worker
    assert proc.poll() is None  # the worker lost two processes and lives on


def test_an_unreachable_broker_files_nothing(tmp_path: Path) -> None:
    inbox = corpus(tmp_path / "inbox")
    run = Runner(tmp_path / "home")
    run("init")
    r = run("ingest", str(inbox), "--broker", f"redis://127.0.0.1:{free_port()}/0", check=False)
    assert r.returncode == 2
    assert "无法连接任务队列" in r.stderr
    assert '"files": 0' in run("stats", "--year", "2025", "--json").stdout.replace(" ", "").replace('":', '": ') or \
        run("check").stdout.count("文件 0")


def test_the_broker_is_shown_without_its_password(tmp_path: Path) -> None:
    from archiver.queue import shown_url

    assert shown_url("redis://:s3cret@queue.example:6380/2") == "redis://queue.example:6380/2"
    run = Runner(tmp_path / "home")
    run("init")
    r = run("ingest", str(tmp_path), "--broker", f"redis://:s3cret@127.0.0.1:{free_port()}/0", check=False)
    assert r.returncode == 2 and "s3cret" not in r.stderr + r.stdout


def test_watch_reads_on_the_queue_and_serve_refuses_an_unreachable_broker(tmp_path: Path, workers: Workers) -> None:
    run = Runner(tmp_path / "home")
    run("init")
    make_inbox(tmp_path / "src")
    run("ingest", str(tmp_path / "src" / "花名册.xlsx"), "--quiet")  # the households first, read here
    for f in (tmp_path / "src").glob("*.*g"):
        f.rename(run.home / "inbox" / f.name)
    (tmp_path / "src" / "SCAN_1.pdf").rename(run.home / "inbox" / "SCAN_1.pdf")
    workers.start()
    out = run("watch", "--once", "--settle", "0", "--broker", workers.url).stdout
    assert out.count("归档 SCAN_") == 3 and "隔离 坏.jpg" in out, out
    r = run("serve", "--port", str(free_port()), "--broker", f"redis://127.0.0.1:{free_port()}/0", check=False)
    assert r.returncode == 2 and "无法连接任务队列" in r.stderr
