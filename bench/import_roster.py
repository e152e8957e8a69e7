"""Benchmark: import a 100,000-member roster; baseline = plain openpyxl parsing of the same file, same run.

Writes its figures to docs/PERFORMANCE.md (section "Roster import"). Run: .venv/bin/python bench/import_roster.py
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from tests.builders import ROSTER_HEADER, person_id  # noqa: E402


def build(path: Path, members: int, first: int = 0, seed: int = 3) -> None:
    """A roster of `members` members; households numbered from `first` + 1 (several files, one county)."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["某县2025年12月城乡低保花名册"])
    ws.append(["填报单位（盖章）：  填报日期：2026年1月5日"])
    ws.append(ROSTER_HEADER)
    n, h = 0, first
    while n < members:
        h += 1
        size = rng.choice([1, 2, 3, 3, 4, 5])
        no = f"52019{h:08d}"
        ids = [person_id((dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 25000))).strftime("%Y%m%d"),
                         seq=rng.randrange(100), male=rng.random() < .5) for _ in range(size)]
        for j in range(size):
            n += 1
            ws.append([n, f"乡镇{h % 20}", f"村{h % 300}", no, f"户主{h}", ids[0], f"成员{h}_{j}", "户主" if j == 0 else "子",
                       ids[j], "农村", "ABC"[h % 3], size, 300 + size * 100, "2020-01-01", "", "健康", "", "某组"])
    wb.save(path)


def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "roster.xlsx"
        t = time.perf_counter()
        build(f, members)
        built = time.perf_counter() - t
        t = time.perf_counter()
        wb = openpyxl.load_workbook(f, read_only=True)
        rows = sum(1 for _ in wb.active.iter_rows(values_only=True))
        base = time.perf_counter() - t
        home = Path(tmp) / "home"
        dibao = [sys.executable, "-m", "dibao.cli", "--home", str(home)]
        subprocess.run([*dibao, "init"], check=True, capture_output=True)
        t = time.perf_counter()
        r = subprocess.run([*dibao, "ingest", str(f), "--quiet"], check=True, capture_output=True, text=True, cwd=ROOT)
        took = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = [
        f"Roster of {members:,} members ({rows:,} sheet rows), built in {built:.1f} s. Machine: {_machine()}.",
        "",
        "| step | seconds | rows/s | ratio to baseline |",
        "|---|---|---|---|",
        f"| baseline: openpyxl read_only parse only | {base:.1f} | {members / base:,.0f} | 1.00 |",
        f"| `dibao ingest` (calamine parse, validate every ID, catalog commit, status) | {took:.1f} | {members / took:,.0f} | {took / base:.2f} |",
        "",
        f"Peak resident memory of the ingest process: {peak_mb:,.0f} MiB. Goal: < 60 s. Output: `{r.stdout.strip()[-120:]}`",
    ]
    write_section("Roster import", "\n".join(lines))
    print("\n".join(lines))


def _machine() -> str:
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
