"""The one place that calls the PDF libraries: pypdfium2 (Apache-2.0/BSD) renders pages and reads their
text layer, pypdf (BSD) splits, merges and writes bookmarks. Nothing here is AGPL (PyMuPDF was).

Errors from either library become PdfError with a short reason; callers turn it into a clerk's message.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

A4 = (595.28, 841.89)  # points


class PdfError(Exception):
    """The PDF cannot be opened or a page cannot be read; `password` when it is protected."""

    def __init__(self, reason: str, password: bool = False) -> None:
        super().__init__(reason)
        self.password = password


@contextmanager
def opened(source: Path | bytes) -> Iterator[object]:
    """A pypdfium2 document, closed afterwards. Raises PdfError (password=True when protected)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as exc:
        raise PdfError(str(exc)[:80], password="password" in str(exc).lower()) from exc
    try:
        yield doc
    finally:
        doc.close()


def page_count(source: Path | bytes) -> int:
    with opened(source) as doc:
        return len(doc)  # type: ignore[arg-type]


def text_of(doc: object, index: int) -> str:
    """The text layer of page `index` (0-based), stripped."""
    page = doc[index]  # type: ignore[index]
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_range()).replace("\r\n", "\n").strip()
    finally:
        textpage.close()
        page.close()


def render(doc: object, index: int, *, dpi: float | None = None, max_side: int | None = None,
           gray: bool = False) -> Image.Image:
    """Page `index` (0-based) as a PIL image, at `dpi` or scaled so its longest side is `max_side` pixels."""
    page = doc[index]  # type: ignore[index]
    try:
        w, h = page.get_size()
        scale = (dpi / 72) if dpi else (max_side or 1000) / max(w, h)
        bitmap = page.render(scale=scale, grayscale=gray)
        img = bitmap.to_pil()
        return img.convert("L" if gray else "RGB")
    finally:
        page.close()


def subset(path: Path, numbers: list[int]) -> bytes:
    """A new PDF holding only pages `numbers` (1-based), in that order."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(path)
    writer = PdfWriter()
    for n in numbers:
        writer.add_page(reader.pages[n - 1])
    return _bytes(writer)


class Builder:
    """A PDF assembled from other PDFs and images, one bookmark per part (the dossier)."""

    def __init__(self) -> None:
        from pypdf import PdfWriter

        self.writer = PdfWriter()

    @property
    def page_count(self) -> int:
        return len(self.writer.pages)

    def add_pdf(self, source: Path | bytes) -> None:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
        for page in reader.pages:
            self.writer.add_page(page)

    def add_image(self, img: Image.Image, margin: float = 20) -> None:
        """One A4 page with the image fitted inside the margins, proportions kept, centred at the top."""
        from pypdf import PdfReader, Transformation

        frame = img.convert("L" if img.mode in ("1", "L", "I;16") else "RGB")
        buf = io.BytesIO()
        frame.save(buf, format="PDF", resolution=72.0, quality=85)  # one pixel = one point, JPEG inside
        src = PdfReader(buf).pages[0]
        sw, sh = float(src.mediabox.width), float(src.mediabox.height)
        box_w, box_h = A4[0] - 2 * margin, A4[1] - 2 * margin
        scale = min(box_w / sw, box_h / sh)
        x = margin + (box_w - sw * scale) / 2
        y = A4[1] - margin - sh * scale
        page = self.writer.add_blank_page(A4[0], A4[1])
        page.merge_transformed_page(src, Transformation().scale(scale, scale).translate(x, y))

    def bookmark(self, title: str, page: int) -> None:
        """A top-level bookmark to page `page` (1-based)."""
        self.writer.add_outline_item(title=title, page_number=page - 1)

    def save(self, out: Path) -> None:
        out.write_bytes(_bytes(self.writer))


def bookmarks(path: Path) -> list[tuple[str, int]]:
    """(title, 1-based page) of the top-level bookmarks, for tests and checks."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    out = []
    for item in reader.outline:
        if not isinstance(item, list):
            page = reader.get_destination_page_number(item)
            out.append((str(item.title), (page or 0) + 1))
    return out


def _bytes(writer: object) -> bytes:
    writer.compress_identical_objects()  # type: ignore[attr-defined]
    buf = io.BytesIO()
    writer.write(buf)  # type: ignore[attr-defined]
    return buf.getvalue()
