"""Benchmark: the sample's pages read by the OCR engine in place now, saved as a reference and compared with
a saved reference (another engine, another PDF library). Used when PyMuPDF + rapidocr-onnxruntime were
replaced by pypdfium2 + rapidocr 3.x. Writes a JSON of {file: [page texts]} and prints timings and CER.

Run: .venv/bin/python bench/ocr_engines.py save OUT.json [N_FILES]
     .venv/bin/python bench/ocr_engines.py compare REF.json
Needs the optional sample corpus (../shared/samples/county-a). A subset (every k-th file) keeps it short.
"""

from __future__ import annotations

import difflib
import json
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver import pages  # noqa: E402
from archiver.sniff import sniff  # noqa: E402

ID = re.compile(r"\d{17}[\dXx]")
SAMPLE = ROOT.parent / "shared" / "samples" / "county-a" / "inbox"


def subset(n: int) -> list[Path]:
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix.lower() in (".jpg", ".pdf"))
    step = max(len(files) // n, 1)
    return files[::step][:n]


def read_all(files: list[Path]) -> tuple[dict[str, list[str]], float, int]:
    out: dict[str, list[str]] = {}
    pages.read(files[0], sniff(files[0]).kind)  # warm up the engine
    n = 0
    start = time.perf_counter()
    for f in files:
        try:
            out[f.name] = [p.text for p in pages.read(f, sniff(f).kind)]
        except pages.Unreadable as exc:
            out[f.name] = [f"UNREADABLE {exc}"]
        n += len(out[f.name])
    return out, time.perf_counter() - start, n


def cer(ref: str, hyp: str) -> float:
    a, b = ref.replace(" ", "").replace("\n", ""), hyp.replace(" ", "").replace("\n", "")
    if not a:
        return 0.0 if not b else 1.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    same = sum(m.size for m in sm.get_matching_blocks())
    return (max(len(a), len(b)) - same) / len(a)


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    if mode == "save":
        files = subset(int(sys.argv[3]) if len(sys.argv) > 3 else 24)
        texts, secs, n = read_all(files)
        path.write_text(json.dumps(texts, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        ref = json.loads(path.read_text(encoding="utf-8"))
        files = [SAMPLE / name for name in ref]
        texts, secs, n = read_all(files)
        rates = [cer(a, b) for name in ref for a, b in zip(ref[name], texts[name], strict=False)]
        print(f"mean difference from reference (CER-like): {sum(rates) / max(len(rates), 1):.4f}")
        ids_ref = {(n, i) for n, ps in ref.items() for t in ps for i in ID.findall(t)}
        ids_new = {(n, i) for n, ps in texts.items() for t in ps for i in ID.findall(t)}
        print(f"ID numbers read: reference {len(ids_ref)}, now {len(ids_new)}, both {len(ids_ref & ids_new)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(files)} files, {n} pages, {secs:.1f} s, {n / secs:.2f} pages/s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
