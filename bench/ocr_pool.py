"""Benchmark: OCR pool scaling — pages per second for 1 worker × 1 thread, 2 workers × 1 thread, one process
with onnxruntime's default threads (the engine before the pool) and the default chosen from this machine,
all on the same generated pages in one run; per-core throughput, memory per worker and the projected time
for a county's backlog of 1,000,000 pages on 16 and 64 cores. Writes docs/PERFORMANCE.md "OCR pool".

Run: .venv/bin/python bench/ocr_pool.py [PAGES]
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.ocr_pool import OcrConfig, OcrPool  # noqa: E402
from bench.report import write_section  # noqa: E402
from dibao.samplescans import render_form, to_jpeg, to_pdf  # noqa: E402
from tests.builders import small_county  # noqa: E402

BACKLOG = 1_000_000
NOTE = """Reading the table: 1-thread worker processes share nothing, so on an idle machine N workers read close to
N times what one reads, and more than one process whose onnxruntime threads are spread over the same cores. Measured
earlier on the same machine, idle enough to compare (docs STACK, previous engine): one process 1 thread 0.69
pages/s, default threads 1.09, two 1-thread processes together 1.14 (1.65× one 1-thread worker). The pool's
point is larger machines: onnxruntime's intra-op threading of these small models stops gaining after a few
threads, while 1-thread worker processes share nothing and scale with cores until memory runs out
(~0.7 GB per worker: budget 1 GB each). Defaults (`OcrConfig.auto`): one 1-thread worker per core, capped by
available memory / 1 GB; a batch of fewer than 4 × workers scans (a watcher's few files) is read by
the warm in-process engine without starting a pool; with `--workers N` given, any batch of two or more uses it.
The projection divides by the CPU time a 1-thread worker spends per page (pages per CPU-second), i.e. it
assumes each worker has a core to itself, which is what a dedicated 16- or 64-core server gives; wall-clock
rows on a shared machine are noise-dominated. It also assumes the one filing process (route, classify, write, commit) keeps up with that many
pages per second, which has not been measured; beyond that the plan is the multi-machine queue."""


def make_pages(folder: Path, n: int) -> list[tuple[Path, str]]:
    rng = random.Random(1)
    county = small_county(seed=2, n=20)
    jobs = []
    for i in range(n):
        h = county[i % len(county)]
        head = h["members"][0]
        img = render_form(["最低生活保障家庭经济状况入户调查表", f"乡镇：{h['township']}  村（社区）：{h['village']}",
                           f"户主：{head[0]}  身份证号：{head[1]}", "家庭月总收入：300元",
                           f"调查日期：2025年{1 + i % 12}月{1 + i % 28}日"], rotate=rng.uniform(-1.5, 1.5), noise=0.002, seed=i)
        f = folder / (f"p{i:03d}.pdf" if i % 3 == 0 else f"p{i:03d}.jpg")
        f.write_bytes(to_pdf([img]) if f.suffix == ".pdf" else to_jpeg(img))
        jobs.append((f, "pdf" if f.suffix == ".pdf" else "jpeg"))
    return jobs


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_pool(jobs: list[tuple[Path, str]], workers: int, threads: int,
             warm: list[tuple[Path, str]]) -> tuple[float, float, float]:
    """Seconds for all pages after the workers are warm, the peak memory of one worker, and the CPU seconds
    the workers spent (contention changes wall time, much less the CPU a page costs). The warm-up pages are
    others than the timed ones: ingest reads each file once, in the order submitted, and so does this."""
    pool = OcrPool(workers, threads)
    try:
        pool.submit(warm[: 2 * workers])  # every worker loads its model before the clock starts
        for j in warm[: 2 * workers]:
            pool.read(*j)
        assert pool._executor is not None
        pids = list(pool._executor._processes)  # type: ignore[attr-defined]
        cpu0 = sum(cpu_seconds(p) for p in pids)
        start = time.perf_counter()
        pool.submit(jobs)
        for j in jobs:
            pool.read(*j)
        secs = time.perf_counter() - start
        cpu = sum(cpu_seconds(p) for p in pids) - cpu0
        mem = max(peak_mb(p) for p in pids)
    finally:
        pool.close()
    return secs, mem, cpu


def run_inline(jobs: list[tuple[Path, str]]) -> tuple[float, float, float]:
    """One process, onnxruntime's default threads: the engine as it ran before the pool (in a child process,
    so this process's memory figure is the engine's alone)."""
    code = ("import sys,time; from pathlib import Path; from archiver import pages\n"
            "jobs=[(Path(a.split('|')[0]), a.split('|')[1]) for a in sys.argv[1:]]\n"
            "pages.read(*jobs[0]); t=time.perf_counter(); c=time.process_time()\n"
            "[pages.read(*j) for j in jobs]\n"
            "print(time.perf_counter()-t)\n"
            "print(time.process_time()-c)\n"
            "print(int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])/1024)")
    out = subprocess.run([sys.executable, "-c", code, *[f"{p}|{k}" for p, k in jobs]], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), float(out[2]), float(out[1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    cores = len(os.sched_getaffinity(0))
    default = OcrConfig.auto()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        made = make_pages(Path(tmp), n + 2 * max(2, default.workers))
        jobs, warm = made[:n], made[n:]
        results = {
            "1 worker × 1 thread": run_pool(jobs, 1, 1, warm),
            "2 workers × 1 thread": run_pool(jobs, 2, 1, warm),
            "1 process × default threads (before the pool)": run_inline(jobs),
            f"default here: {default.workers} worker(s) × {default.threads or 'default'} thread(s)":
                run_pool(jobs, default.workers, default.threads, warm),
        }
    base = n / results["1 worker × 1 thread"][0]
    rows = []
    for name, (secs, mem, cpu) in results.items():
        rate = n / secs
        rows.append(f"| {name} | {rate:.2f} | {rate / base:.2f}× | {n / cpu:.2f} | {mem:.0f} |")
    one = results["1 worker × 1 thread"]
    per_core = n / one[2]  # pages per CPU-second of a 1-thread worker: what one core delivers when it is its own
    projection = [f"| {c} | {c} × 1 | {per_core * c:.1f} | {BACKLOG / (per_core * c) / 3600:.1f} h "
                  f"({BACKLOG / (per_core * c) / 86400:.1f} days) | {c * results['1 worker × 1 thread'][1] / 1024:.0f} GB |"
                  for c in (16, 64)]
    load = max(load_before, os.getloadavg()[0])
    busy = (f"shared with other jobs (1-minute load average up to {load:.1f} on {cores} cores: contended, so absolute "
            "rates are low and the rows are noisy)" if load > cores * 0.75 else
            f"otherwise idle (1-minute load average at most {load:.1f} on {cores} cores)")
    body = "\n".join([
        f"{n} generated A4 forms (150 dpi, rotated ±1.5°, noise; one in three an image-only PDF), read by "
        f"`archiver.ocr_pool` (render + OCR, what the workers do), on this machine: {cores} cores, {busy}; "
        "the rows ran one after another in one run.",
        "",
        "| configuration | pages/s (wall) | vs 1 × 1 | pages per CPU-second (per core) | peak memory per worker (MB) |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Projected backlog of {BACKLOG:,} pages, one 1-thread worker per core, from the 1 × 1 pages per CPU-second "
        "(independent processes, no shared state: they scale until memory or disk runs out):",
        "",
        "| cores | workers × threads | pages/s | backlog | worker memory |",
        "|---|---|---|---|---|",
        *projection,
        "",
        NOTE,
    ])
    write_section("OCR pool", body)
    print(body)


if __name__ == "__main__":
    main()
