"""Benchmark: the rest of the office's year at county scale (issue 27) — the 月报 and 季报, a year of 月报,
the 低保边缘 list, `cases due` and the objections register — on a synthetic county of 100,000 households
with 1 % of them stopped and 500 objections. Baseline in the same run: reading every household with all its
facts (what each of these starts from). Writes docs/PERFORMANCE.md section "The office's year".
Run: .venv/bin/python bench/year_work.py [HOUSEHOLDS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.catalog import Catalog  # noqa: E402
from archiver.home import Home  # noqa: E402
from archiver.policy import load  # noqa: E402
from bench.documents import populate  # noqa: E402
from bench.report import write_section  # noqa: E402
from generators import edge as edge_sheet  # noqa: E402
from generators import monthly, stats  # noqa: E402
from generators.rules import cases, edge, objections  # noqa: E402


def timed(work: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        home = Home(Path(tmp) / "home")
        home.create()
        cat = Catalog.of(home)
        t = time.perf_counter()
        populate(cat, n)
        ids = [int(r[0]) for r in cat.db.execute("SELECT id FROM households ORDER BY id")]
        for k, hid in enumerate(ids[1000::100]):  # 1 %: stopped in 2025, half notified
            cat.record_stop(hid, f"2025-{k % 12 + 1:02d}-10", "家庭收入超标", "bench",
                            f"2025-{k % 12 + 1:02d}-12" if k % 2 else None)
        for k, hid in enumerate(ids[2000:2500]):
            cat.add_objection(hid, ("公示异议", "信访", "举报", "来电")[k % 4], f"2025-{k % 12 + 1:02d}-03", "匿名",
                              "反映收入不实", "bench")
        built = time.perf_counter() - t
        policy = load(home.root)
        load_before = os.getloadavg()[0]
        out = Path(tmp)
        scope = stats.area(cat, None)
        june, q2 = monthly.month("2025-06"), monthly.quarter("2025Q2")
        rows: list[tuple[str, tuple[float, float]]] = [
            ("baseline: read every household with all its facts", timed(lambda: cat.households(full=True))),
            ("月报 2025-06, county and every township (figures)", timed(lambda: monthly.compute(cat, june, None, policy))),
            ("月报 2025-06, figures and the .xlsx", timed(lambda: monthly.write_xlsx(
                cat, monthly.compute(cat, june, None, policy), policy, out / "m.xlsx"))),
            ("季报 2025Q2, figures", timed(lambda: monthly.compute(cat, q2, None, policy))),
            ("the twelve 月报 of 2025, figures", timed(lambda: [monthly.compute(
                cat, monthly.month(f"2025-{m:02d}"), None, policy) for m in range(1, 13)])),
            ("低保边缘 list since 2025-01-01 and its .xlsx", timed(lambda: edge_sheet.write_xlsx(
                edge.listing(cat, scope, "2025-01-01", policy), "2025-01-01", "", policy, out / "e.xlsx"))),
            ("`cases due` on 2025-12-31 (every household)", timed(lambda: cases.due_steps(
                cat, cat.households(full=True), policy, "2025-12-31"))),
            ("objections register, county", timed(lambda: objections.register_rows(cat, scope, policy))),
        ]
        load_after = os.getloadavg()[0]
    base = rows[0][1][0]
    body = "\n".join([
        f"Synthetic county of {n:,} households (bench/documents.py's, plus {len(ids[1000::100]):,} stops in 2025 "
        f"and 500 objections; built in {built:.0f} s, not timed), {os.cpu_count()} cores shared with other work "
        f"(1-minute load average {load_before:.1f} before, {load_after:.1f} after).",
        "",
        "| task | wall s | CPU s | vs reading the archive |",
        "|---|---:|---:|---:|",
        *[f"| {task} | {w:.1f} | {c:.1f} | {w / base:.2f} |" for task, (w, c) in rows],
        "",
        "Each command reads the households it needs once; the twelve 月报 cost about twelve figure passes (each "
        "month is its own period), which is why the web's reports page runs them as a job.",
    ])
    write_section("The office's year", body)
    print(body)


if __name__ == "__main__":
    main()
