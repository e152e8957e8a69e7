"""Benchmark: OCR workers on a queue — the local pool against 1 and 2 `dibao worker`s over a real Redis
(Debian's redis-server on a loopback port, no persistence), all on the same generated pages in one run:
pages/s, the workers' own reading time, and the queue's overhead per page (wall time per page minus reading
time), with a projection for 4, 16 and 64 worker machines. Writes docs/PERFORMANCE.md "OCR workers on a queue".

Run: .venv/bin/python bench/cluster.py [PAGES]   (needs redis-server and the cluster extra)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.queue import QueueConfig  # noqa: E402
from archiver.queue.reader import CeleryReader  # noqa: E402
from bench.ocr_pool import cpu_seconds, make_pages, run_pool  # noqa: E402
from bench.report import write_section  # noqa: E402

CITY = 10_000_000  # pages: a prefecture-level city's backlog (issue 28)
CORES_PER_MACHINE = 16
Jobs = list[tuple[Path, str]]


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(folder)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            QueueConfig(url).check()
            return proc, url
        except Exception:  # not listening yet
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def run_queue(url: str, jobs: Jobs, workers: int, warm: Jobs) -> tuple[float, float, float]:
    """Seconds for all pages once every worker has read a warm-up page, the workers' own reading seconds,
    and their CPU seconds. Each worker is its own `dibao worker --concurrency 1`, as a machine would be."""
    procs = [subprocess.Popen([sys.executable, "-m", "dibao.cli", "worker", "--broker", url, "--concurrency", "1"],
                              cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(workers)]
    reader = CeleryReader(QueueConfig(url))
    try:
        while len(reader.app.control.ping(timeout=1.0)) < workers:
            time.sleep(0.5)
        reader.submit(warm[: 2 * workers])
        for j in warm[: 2 * workers]:
            reader.read(*j)
        pids = _pool_children(procs)
        cpu0, reader.read_seconds = sum(cpu_seconds(p) for p in pids), 0.0
        start = time.perf_counter()
        reader.submit(jobs)
        for j in jobs:
            reader.read(*j)
        secs = time.perf_counter() - start
        return secs, reader.read_seconds, sum(cpu_seconds(p) for p in pids) - cpu0
    finally:
        reader.close()
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(30)


def _pool_children(procs: list[subprocess.Popen]) -> list[int]:
    """Every process of the workers' sessions (Celery's main process and its pool children)."""
    sessions = {p.pid for p in procs}
    return [int(d) for d in os.listdir("/proc") if d.isdigit() and _session(int(d)) in sessions]


def _session(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[3])
    except (OSError, IndexError, ValueError):
        return -1


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    cores = len(os.sched_getaffinity(0))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        made = make_pages(Path(tmp), n + 4)
        jobs, warm = made[:n], made[n:]
        redis, url = start_redis(Path(tmp))
        try:
            local1, local2 = run_pool(jobs, 1, 1, warm), run_pool(jobs, 2, 1, warm)
            queue1, queue2 = run_queue(url, jobs, 1, warm), run_queue(url, jobs, 2, warm)
        finally:
            redis.terminate()
            redis.wait(10)
    read_per_page = queue1[1] / n  # the worker's own reading time per page (render + OCR + QR)
    over1 = queue1[0] / n - read_per_page  # one worker: everything the queue adds to a page, end to end
    over2 = 2 * queue2[0] / n - queue2[1] / n  # two workers: per page of one worker
    rows = [
        f"| local pool, 1 worker × 1 thread | {n / local1[0]:.2f} | {local1[0] / n:.3f} | — | — |",
        f"| local pool, 2 workers × 1 thread | {n / local2[0]:.2f} | {2 * local2[0] / n:.3f} | — | — |",
        f"| queue, 1 `dibao worker` | {n / queue1[0]:.2f} | {queue1[0] / n:.3f} | {read_per_page:.3f} | "
        f"{over1 * 1000:+.0f} ms ({over1 / read_per_page:+.1%}) |",
        f"| queue, 2 `dibao worker`s | {n / queue2[0]:.2f} | {2 * queue2[0] / n:.3f} | {queue2[1] / n:.3f} | "
        f"{over2 * 1000:+.0f} ms ({over2 / (queue2[1] / n):+.1%}) |",
    ]
    cpu_per_page = queue1[2] / n  # CPU seconds a 1-process worker spends per page: a core's cost when it is its own
    per_machine = CORES_PER_MACHINE / (cpu_per_page + max(over1, 0.0))
    projection = [f"| {m} | {m * CORES_PER_MACHINE} | {per_machine * m:.0f} | {CITY / (per_machine * m) / 3600:.1f} h |"
                  for m in (4, 16, 64)]
    load = max(load_before, os.getloadavg()[0])
    busy = (f"shared with other jobs (1-minute load average up to {load:.1f} on {cores} cores: wall-clock rows are "
            "noisy)" if load > cores * 0.75 else f"otherwise idle (load average at most {load:.1f} on {cores} cores)")
    body = "\n".join([
        f"{n} generated A4 forms (as in \"OCR pool\": one in three an image-only PDF), read after a warm-up by "
        f"the local pool (`archiver.ocr_pool`) and by `dibao worker` processes (each `--concurrency 1`, one "
        f"per simulated machine) over Debian's redis-server on loopback, through `CeleryReader` (files by "
        f"path, answers taken in input order); {cores} cores, {busy}; one run, rows one after another.",
        "",
        "| configuration | pages/s | seconds per page per worker | of which reading (worker's own time) "
        "| queue overhead per page |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Projection for a city's backlog of {CITY:,} pages on machines of {CORES_PER_MACHINE} cores, one "
        f"1-thread worker process per core (`dibao worker --concurrency {CORES_PER_MACHINE}`), each page costing "
        f"the measured {cpu_per_page:.2f} CPU-seconds of reading plus the {max(over1, 0) * 1000:.0f} ms the queue "
        "added per page with one worker:",
        "",
        "| worker machines | cores | pages/s | backlog |",
        "|---|---|---|---|",
        *projection,
        "",
        "Reading the table: the overhead is the end-to-end cost the queue adds to a page on top of the worker's "
        "own reading time — sending the task, Redis, the answer's JSON, the ingest taking answers in order; the "
        "window keeps up to 512 files on the queue, so most of it overlaps the reading of other pages. Negative "
        "or near-zero values are within the noise of a shared 2-core machine. The projection assumes each "
        "worker process has a core to itself and that the one filing process and Redis keep up: at thousands "
        "of pages per second the filing process (route, write, commit — see \"Scan ingest\") becomes the limit "
        "long before Redis (a task is a few hundred bytes by path), so a city that large runs several "
        "ingest/watch processes on separate inboxes (the PostgreSQL catalog of issue 28).",
    ])
    write_section("OCR workers on a queue", body)
    print(body)


if __name__ == "__main__":
    main()
