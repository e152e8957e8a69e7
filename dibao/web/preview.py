"""Page images for the browser: thumbnails and the in-page viewer, from any stored scan or PDF.

Browsers cannot show TIFF and a multi-page PDF is heavy to embed, so every page is served as a JPEG
rendered on demand (a page is ~50 ms; nothing is cached on disk, so no second copy of personal data).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence

from archiver import heif
from archiver.errors import UserError
from archiver.sniff import IMAGE, sniff

THUMB = 240
VIEW = 1400


def page_count(path: Path) -> int:
    kind = sniff(path).kind
    if kind == "pdf":
        from archiver import pdf

        return pdf.page_count(path)
    if kind in IMAGE:
        heif.enable()
        with Image.open(path) as im:
            return int(getattr(im, "n_frames", 1))
    return 0


def render(path: Path, page: int, max_side: int) -> bytes:
    """JPEG of page `page` (1-based), longest side at most `max_side`. IndexError: no such page;
    UserError: not a file we can show."""
    kind = sniff(path).kind
    if kind == "pdf":
        image = _pdf_page(path, page, max_side)
    elif kind in IMAGE:
        heif.enable()
        with Image.open(path) as im:
            frames = list(ImageSequence.Iterator(im))
            if not 1 <= page <= len(frames):
                raise IndexError(page)
            image = ImageOps.exif_transpose(frames[page - 1].copy())
    else:
        raise UserError(f"无法预览此类文件 / cannot preview {kind}")
    image = image.convert("RGB")
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _pdf_page(path: Path, page: int, max_side: int) -> Image.Image:
    from archiver import pdf

    with pdf.opened(path) as doc:
        if not 1 <= page <= len(doc):  # type: ignore[arg-type]
            raise IndexError(page)
        return pdf.render(doc, page - 1, max_side=max_side)
