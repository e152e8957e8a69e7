"""Look at a generated Word file as a reader would: LibreOffice renders it to PDF, poppler to page images,
and the checks below measure what is on each page (charts drawn in full, no page holding only the
signature)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

PT_PER_MM = 72 / 25.4


@dataclass
class Picture:
    page: int  # 0-based
    bbox: tuple[float, float, float, float]  # points
    words_inside: list[str]  # text the page draws over the picture's area (a clipped picture lets text in)


def to_pdf(docx: Path, workdir: Path) -> Path:
    r = subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(workdir), str(docx)],
                       capture_output=True, text=True, timeout=300, env={"HOME": str(workdir), "PATH": "/usr/bin:/bin"})
    pdf = workdir / (docx.stem + ".pdf")
    assert pdf.exists(), r.stderr
    return pdf


def page_images(pdf: Path, workdir: Path, dpi: int = 72) -> list[Image.Image]:
    prefix = workdir / f"{pdf.stem}-page"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    files = sorted(workdir.glob(f"{pdf.stem}-page*.png"), key=lambda p: int(re.findall(r"(\d+)\.png$", p.name)[0]))
    return [Image.open(f).convert("L") for f in files]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def pictures(pdf: Path) -> list[Picture]:
    """Every picture poppler places on the pages (pdftohtml -xml, in points), with the text drawn over it."""
    import xml.etree.ElementTree as ET

    xml = subprocess.run(["pdftohtml", "-xml", "-zoom", "1", "-stdout", "-q", pdf.name], capture_output=True, text=True,
                         check=True, cwd=pdf.parent).stdout
    out = []
    for i, page in enumerate(ET.fromstring(xml).iter("page")):
        boxes = [(float(e.get("left", 0)), float(e.get("top", 0)), float(e.get("width", 0)), float(e.get("height", 0)), e)
                 for e in page if e.tag in ("image", "text")]
        for x, y, w, h, e in boxes:
            if e.tag != "image":
                continue
            x0, y0, x1, y1 = x, y, x + w, y + h
            inside = ["".join(t.itertext()) for tx, ty, tw, th, t in boxes if t.tag == "text"
                      and tx < x1 - 2 and tx + tw > x0 + 2 and ty < y1 - 2 and ty + th > y0 + 2]
            out.append(Picture(i, (x0, y0, x1, y1), [w for w in inside if w.strip()]))
    return out


def ink(img: Image.Image, box: tuple[float, float, float, float]) -> float:
    """Share of non-background pixels (darker than near-white) in a box given in points at 72 dpi."""
    crop = img.crop(tuple(int(round(v)) for v in box))  # type: ignore[arg-type]
    hist = crop.histogram()
    dark = sum(hist[:235])
    return dark / max(sum(hist), 1)


def assert_chart_drawn(img: Image.Image, pic: Picture, width_mm: float = 150, aspect: float = 3.2 / 7) -> None:
    """The chart fills its expected area (150 mm wide at the charts' aspect), with ink in its top band
    (the title) and its bottom band (axis labels) — a picture clipped by exact line spacing keeps only a strip."""
    x0, y0, x1, y1 = pic.bbox
    assert not pic.words_inside, f"text drawn over the chart (picture clipped to a line): {pic.words_inside[:8]}"
    assert x1 - x0 >= (width_mm - 5) * PT_PER_MM, f"chart narrower than expected: {pic}"
    assert y1 - y0 >= (width_mm * aspect - 5) * PT_PER_MM, f"chart shorter than expected: {pic}"
    h = y1 - y0
    assert ink(img, (x0, y0, x1, y1)) > 0.02, f"chart area is blank: {pic}"
    assert ink(img, (x0, y0, x1, y0 + h * 0.2)) > 0.003, f"top of the chart missing (clipped): {pic}"
    assert ink(img, (x0, y0 + h * 0.45, x1, y0 + h * 0.55)) > 0.003, f"middle of the chart missing: {pic}"
    assert ink(img, (x0, y1 - h * 0.2, x1, y1)) > 0.003, f"bottom of the chart missing: {pic}"


_PAGE_NO = re.compile(r"^[—\-\s]*\d+[—\-\s]*$")


def assert_no_lonely_signature(texts: list[str], signature_lines: list[str]) -> None:
    """No page whose only text is the signature block (office, date) and the page number."""
    sig = {s.replace(" ", "") for s in signature_lines}
    for i, t in enumerate(texts):
        lines = [ln.replace(" ", "") for ln in t.splitlines() if ln.strip() and not _PAGE_NO.match(ln.strip())]
        assert lines, f"page {i + 1} is empty"
        assert not set(lines) <= sig, f"page {i + 1} holds only the signature: {lines}"


def check_summary_layout(docx: Path, workdir: Path, office: str, date_signed: str) -> list[str]:
    """Render, then assert both charts are drawn in full and the signature has company. Returns page texts."""
    pdf = to_pdf(docx, workdir)
    images = page_images(pdf, workdir)
    pics = pictures(pdf)
    assert len(pics) == 2, f"expected the two charts, found {len(pics)} pictures"
    a, b = pics
    overlap = a.page == b.page and a.bbox[1] < b.bbox[3] and b.bbox[1] < a.bbox[3]
    assert not overlap, f"the charts overlap: {a.bbox} {b.bbox}"
    for pic in pics:
        assert_chart_drawn(images[pic.page], pic)
    texts = page_texts(pdf)
    assert len(texts) == len(images)
    assert_no_lonely_signature(texts, [office, date_signed])
    return texts


def text_pdf(lines: list[str], out: Path) -> Path:
    """A one-page PDF with a text layer (as a scanner with OCR or an office export makes), so ingest reads it
    without OCR."""
    from weasyprint import HTML

    from generators.render import CJK_FONTS

    body = "".join(f"<p>{line}</p>" for line in lines)
    HTML(string=f'<html><head><meta charset="utf-8"><style>body {{ font-family: {CJK_FONTS}; font-size: 14pt; }}'
                f"</style></head><body>{body}</body></html>").write_pdf(str(out))
    return out

