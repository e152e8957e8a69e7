"""Benchmark: the year-end summary for a county of 100,000 households, and a 500-row notice.
Baseline in the same run: computing the figures alone (`stats.compute`), without rendering.
Writes docs/PERFORMANCE.md section "Documents". Run: .venv/bin/python bench/documents.py [HOUSEHOLDS]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.catalog import Catalog  # noqa: E402
from archiver.catalog.models import Event, Member, Payment, Snapshot  # noqa: E402
from archiver.home import Home  # noqa: E402
from archiver.policy import load  # noqa: E402
from bench.report import write_section  # noqa: E402
from generators import notice, stats, summary  # noqa: E402
from tests.builders import person_id  # noqa: E402


def populate(cat: Catalog, n: int) -> None:
    rng = random.Random(5)
    with cat.transaction():
        for i in range(n):
            village = "大村" if i < 500 else f"村{i % 400}"
            hid = cat.create_household(household_no=f"52{i:011d}", township=f"乡{i % 20}", village=village,
                                       area_type="农村", category="ABC"[i % 3], approved_on="2020-01-01",
                                       head_name=f"户主{i}", head_id_number="", status="在保")
            for j in range(1 + i % 4):
                birth = (dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 27000))).strftime("%Y%m%d")
                pid = person_id(birth, seq=j)
                cat.add_member(hid, Member(f"成员{i}_{j}", pid, "户主" if j == 0 else "子", "男" if int(pid[16]) % 2 else "女",
                                           f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"))
            cat.add_snapshot(hid, Snapshot("2024-12-31", 1 + i % 4, 500.0), None, None)
            if i < 500:
                cat.add_event(hid, Event("2025-06-10", "新增", 0, 600.0, 0, 2, "新申请"))
            for q in range(4):
                cat.add_payment(hid, Payment(f"2025-{3 * q + 1:02d}", f"2025-{3 * q + 3:02d}", 1500.0, 1, "", f"乡{i % 20}",
                                             village), None, None)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        home = Home(Path(tmp) / "home")
        home.create()
        cat = Catalog(home.catalog_path)
        t = time.perf_counter()
        populate(cat, n)
        built = time.perf_counter() - t
        policy = load(home.root)
        t = time.perf_counter()
        stats.compute(cat, 2025, None, policy)
        base = time.perf_counter() - t
        t = time.perf_counter()
        summary.render(cat, 2025, None, policy, Path(tmp) / "summary.docx", None)
        whole = time.perf_counter() - t
        t = time.perf_counter()
        notice.render(cat, "大村", "新增", dt.date(2025, 6, 1), 7, policy, Path(tmp) / "notice.pdf", None)
        pdf = time.perf_counter() - t
        t = time.perf_counter()
        notice.render(cat, "大村", "新增", dt.date(2025, 6, 1), 7, policy, Path(tmp) / "notice.docx", None)
        docx = time.perf_counter() - t
    body = "\n".join([
        f"Synthetic county of {n:,} households (built in {built:.0f} s, not timed below).",
        "",
        "| task | seconds | vs figures alone |",
        "|---|---|---|",
        f"| baseline: figures alone (`stats.compute` for the year) | {base:.1f} | 1.00 |",
        f"| year-end summary .docx (figures for two years, tables, two charts, every `inspect` check for 存在问题) | {whole:.1f} | {whole / base:.2f} |",
        f"| 500-row notice, PDF (weasyprint, header repeated, page numbers) | {pdf:.1f} | |",
        f"| 500-row notice, .docx | {docx:.1f} | |",
        "",
        "Goals: county summary < 10 s; 500-row notice < 10 s.",
    ])
    write_section("Documents", body)
    print(body)


if __name__ == "__main__":
    main()
