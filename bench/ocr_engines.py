"""Benchmark: OCR engines compared on the sample's scans in one run — rapidocr 3.x (the engine now) against
rapidocr-onnxruntime 1.4.4 (the engine before, end of its line). Both run through archiver.ocr.read_image
(same scaling and rotation retries) on the same page images, alternating page by page so that CPU
contention falls on both alike. Accuracy: the ID number and the document type in each file's name
(`<ID>_<type>.jpg`) must be read back from the page (routing and classification need exactly these).

Run: .venv/bin/python bench/ocr_engines.py [N_FILES] [OLD_ENGINE_DIR]
OLD_ENGINE_DIR: a folder holding rapidocr_onnxruntime, installed without its dependencies
(`pip install --no-deps --target DIR rapidocr-onnxruntime`); without it only the current engine runs.
Needs the optional sample corpus (../shared/samples/county-a). Writes docs/PERFORMANCE.md "OCR engines".
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver import classify, ocr, pdf  # noqa: E402
from archiver.pages import PDF_DPI  # noqa: E402
from bench.report import write_section  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "samples" / "county-a" / "inbox"
NAMED = re.compile(r"^(\d{17}[\dX])_(.+)$")


class OldEngine:
    """rapidocr-onnxruntime 1.4.4 behind the 3.x output shape that archiver.ocr reads."""

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self.engine = RapidOCR()

    def __call__(self, arr):  # type: ignore[no-untyped-def]
        import numpy as np

        result, _ = self.engine(arr)
        if not result:
            return SimpleNamespace(boxes=None, txts=(), scores=())
        return SimpleNamespace(boxes=np.array([r[0] for r in result]), txts=tuple(r[1] for r in result),
                               scores=tuple(float(r[2]) for r in result))


def images(n: int) -> list[tuple[str, str, str, object]]:
    from PIL import Image

    named = sorted(p for p in SAMPLE.iterdir() if NAMED.match(p.stem) and p.suffix.lower() in (".jpg", ".pdf"))
    step = max(len(named) // n, 1)
    out = []
    for p in named[::step][:n]:
        m = NAMED.match(p.stem)
        assert m
        if p.suffix.lower() == ".pdf":
            with pdf.opened(p) as doc:
                img = pdf.render(doc, 0, dpi=PDF_DPI, gray=True)
        else:
            img = Image.open(p)
            img.load()
        out.append((p.name, m.group(1), m.group(2), img))
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    if len(sys.argv) > 2:
        sys.path.insert(0, sys.argv[2])
    pages = images(n)
    engines: dict[str, object] = {"rapidocr 3.x (PP-OCRv6 small)": None}
    try:
        engines["rapidocr-onnxruntime 1.4.4 (PP-OCRv4)"] = OldEngine()
    except ImportError:
        pass
    loaded = {}
    for name, eng in engines.items():  # load and warm each engine once
        ocr._engine = eng
        loaded[name] = ocr.engine()
        ocr.read_image(pages[0][3])  # type: ignore[arg-type]
    stats = {name: {"secs": 0.0, "ids": 0, "types": 0} for name in engines}
    for i, (_, id_number, doc_type, img) in enumerate(pages):
        order = list(engines) if i % 2 == 0 else list(reversed(engines))
        for name in order:
            ocr._engine = loaded[name]
            start = time.perf_counter()
            text = ocr.read_image(img).text  # type: ignore[arg-type]
            stats[name]["secs"] += time.perf_counter() - start
            stats[name]["ids"] += id_number in text.replace(" ", "")
            stats[name]["types"] += classify.doc_type(text) == doc_type
    rows = [f"| {name} | {s['secs'] / len(pages):.2f} | {s['ids']}/{len(pages)} | {s['types']}/{len(pages)} |"
            for name, s in stats.items()]
    body = "\n".join([
        f"{len(pages)} pages of the sample corpus (every k-th file named `<ID>_<type>`, first page, JPG and PDF "
        "rendered at 200 dpi), both engines warm in one process with onnxruntime's default threads, alternating "
        "page by page. Measured on the shared 2-core machine while other jobs ran: compare the rows, not the "
        "absolute seconds.",
        "",
        "| engine | s/page | ID read exactly | type recognised |",
        "|---|---|---|---|",
        *rows,
    ])
    write_section("OCR engines", body)
    print(body)


if __name__ == "__main__":
    main()
