"""Benchmark: dossiers for a village of 500 households, each with four scanned documents (three JPG pages
and a two-page image PDF). Baseline in the same run: copying the same source files (the I/O floor).
Writes docs/PERFORMANCE.md section "Dossiers". Run: .venv/bin/python bench/dossiers.py [HOUSEHOLDS]
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver import pdf  # noqa: E402
from archiver.catalog import Catalog, Scope  # noqa: E402
from archiver.catalog.models import Member  # noqa: E402
from archiver.home import Home  # noqa: E402
from archiver.policy import load  # noqa: E402
from bench.report import write_section  # noqa: E402
from dibao.samplescans import render_form, to_jpeg, to_pdf  # noqa: E402
from generators import dossier  # noqa: E402
from tests.builders import person_id  # noqa: E402

TYPES = ["申请书", "入户调查表", "审批表", "复核记录"]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        home = Home(Path(tmp) / "home")
        home.create()
        cat = Catalog.of(home)
        blobs = [to_jpeg(render_form([t, "户主：某某 身份证号：略", "2025年3月1日"]), 75) for t in TYPES[:3]]
        blobs.append(to_pdf([render_form(["低保对象定期复核记录", "复核日期：2025年6月1日"]), render_form(["（续页）"])]))
        with cat.transaction():
            file_id = cat.add_file(sha256="bench", source_name="bench", kind="scan", size=0, stored_path=None,
                                   outcome="archived")
            for i in range(n):
                hid = cat.create_household(household_no=f"52{i:011d}", township="镇", village="大村", area_type="农村",
                                           category="B", head_name=f"户主{i}", head_id_number=person_id(seq=i % 100),
                                           status="在保", approved_on="2020-01-01")
                cat.add_member(hid, Member(f"户主{i}", person_id(seq=i % 100), "户主"))
                folder = home.files / "镇" / "大村" / f"52{i:011d}"
                folder.mkdir(parents=True)
                for t, blob in zip(TYPES, blobs, strict=True):
                    suffix = ".pdf" if blob.startswith(b"%PDF") else ".jpg"
                    path = folder / f"{t}{suffix}"
                    path.write_bytes(blob)
                    cat.add_document(household_id=hid, file_id=file_id, type=t, date="2025-03-01", source_name=path.name,
                                     sha256=hashlib.sha256(blob).hexdigest(), path=home.relative(path),
                                     page_count=2 if suffix == ".pdf" else 1)
        policy = load(home.root)
        households = cat.households(Scope(village="大村"), full=True)
        out = Path(tmp) / "out"
        t = time.perf_counter()
        for h in households:
            for d in h.documents:
                shutil.copyfile(home.root / d.path, Path(tmp) / "copy.bin")
        base = time.perf_counter() - t
        out.mkdir()
        t = time.perf_counter()
        pages = 0
        for h in households:
            p = dossier.build(home, h, policy, out / f"{h.key}.pdf")
            pages += pdf.page_count(p)
        took = time.perf_counter() - t
    body = "\n".join([
        f"A village of {n} households, each with 4 documents (3 JPG pages, one 2-page image PDF) — {pages:,} dossier pages.",
        "",
        "| task | seconds | per household |",
        "|---|---|---|",
        f"| baseline: copy the same source files | {base:.1f} | {base / n * 1000:.0f} ms |",
        f"| dossiers (cover, checklist, TOC, images on A4, PDFs merged, bookmarks) | {took:.1f} | {took / n:.2f} s |",
        "",
        "Goal: < 2 s per household.",
    ])
    write_section("Dossiers", body)
    print(body)


if __name__ == "__main__":
    main()
