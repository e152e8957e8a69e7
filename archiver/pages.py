"""Read a document into pages of text: images (multi-page TIFF too), PDFs (text layer or OCR), Word files.

A file that cannot be read raises Unreadable with a reason a clerk understands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from . import ocr, qr

PDF_DPI = 200
MIN_TEXT_LAYER = 20  # fewer characters than this on a PDF page means it is a scan


class Unreadable(Exception):
    pass


@dataclass
class Page:
    number: int  # 1-based
    text: str
    cover_key: str | None = None  # household key from a dibao cover-sheet QR code
    source: str = "ocr"  # ocr | text-layer | docx
    form: qr.Code | None = None  # a dibao pre-filled form's QR code: household, form kind, case step


def read(path: Path, kind: str) -> list[Page]:
    if kind in ("jpeg", "png", "tiff"):
        return [_image_page(i + 1, img) for i, img in enumerate(_images(path))]
    if kind == "pdf":
        return list(_pdf_pages(path))
    if kind == "docx":
        return [Page(1, _docx_text(path), None, "docx")]
    raise Unreadable(f"暂不支持的文件类型：{kind} / unsupported kind")


def _images(path: Path) -> list[Image.Image]:
    try:
        img = Image.open(path)
        frames = []
        for frame in ImageSequence.Iterator(img):
            frame.load()
            frames.append(frame.copy())
        return frames
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Unreadable(f"图像文件损坏或不完整（可能传输中断）/ image is corrupt or truncated: {exc}") from exc


def _image_page(number: int, img: Image.Image) -> Page:
    code = qr.read(img)
    if code and code.is_cover:
        return Page(number, "", code.key, "qr")
    return Page(number, ocr.read_image(img).text, form=code)


def _pdf_pages(path: Path) -> Iterator[Page]:
    import pymupdf

    try:
        doc = pymupdf.open(path)
    except Exception as exc:
        raise Unreadable(f"PDF文件损坏，无法打开 / corrupt PDF: {str(exc)[:80]}") from exc
    if doc.needs_pass or doc.is_encrypted:
        raise Unreadable("PDF文件有密码保护，无法读取 / password-protected PDF")
    if doc.page_count == 0:
        raise Unreadable("PDF文件损坏或没有任何页面 / corrupt PDF or no pages")
    try:
        for i in range(doc.page_count):
            page = doc[i]
            text = page.get_text().strip()
            if len(text) >= MIN_TEXT_LAYER:
                code = qr.parse(text)
                yield Page(i + 1, text, code.key if code and code.is_cover else None, "text-layer",
                           code if code and not code.is_cover else None)
                continue
            pix = page.get_pixmap(dpi=PDF_DPI, colorspace=pymupdf.csGRAY)
            img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
            yield _image_page(i + 1, img)
    except Unreadable:
        raise
    except Exception as exc:
        raise Unreadable(f"PDF页面无法读取（文件可能不完整）/ PDF page unreadable: {str(exc)[:80]}") from exc


SECOND_SCALE = 1300


def reread(path: Path, kind: str, number: int) -> str:
    """A second OCR of one page at another scale, for pages whose first reading gave no household."""
    if kind in ("jpeg", "png", "tiff"):
        img = _images(path)[number - 1]
    elif kind == "pdf":
        import pymupdf

        pix = pymupdf.open(path)[number - 1].get_pixmap(dpi=PDF_DPI, colorspace=pymupdf.csGRAY)
        img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    else:
        return ""
    return ocr.read_image(img, SECOND_SCALE).text


def _docx_text(path: Path) -> str:
    import docx

    try:
        d = docx.Document(str(path))
    except Exception as exc:
        raise Unreadable(f"Word文件损坏，无法打开 / corrupt .docx: {str(exc)[:80]}") from exc
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.append(" ".join(c.text for c in row.cells))
    return "\n".join(p for p in parts if p.strip())
