"""Read a document into pages of text: images (multi-page TIFF too), PDFs (text layer or OCR), Word files.

A file that cannot be read raises Unreadable with a reason a clerk understands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, ImageSequence, UnidentifiedImageError

from . import heif, ocr, pdf, qr
from .errors import UserError

PDF_DPI = 200
MIN_TEXT_LAYER = 20  # fewer characters than this on a PDF page means it is a scan
MAX_PDF_PAGES = 300  # per file: a household's papers are tens of pages; thousands mean a mistake or an attack


class Unreadable(UserError):
    pass


@dataclass
class Page:
    number: int  # 1-based
    text: str
    cover_key: str | None = None  # household key from a dibao cover-sheet QR code
    source: str = "ocr"  # ocr | text-layer | docx
    form: qr.Code | None = None  # a dibao pre-filled form's QR code: household, form kind, case step
    cover: qr.Code | None = None  # the cover sheet's code itself (its signature is checked before it routes)
    untrusted_code: bool = False  # a code was read here that may not route (unsigned or forged): set by routing


def read(path: Path, kind: str) -> list[Page]:
    if kind in ("jpeg", "png", "tiff", "heic"):
        return [_image_page(i + 1, img) for i, img in enumerate(_images(path))]
    if kind == "pdf":
        _pdf_complete(path)
        return list(_pdf_pages(path))
    if kind == "docx":
        return [Page(1, _docx_text(path), None, "docx")]
    raise Unreadable(f"暂不支持的文件类型：{kind} / unsupported kind")


def _images(path: Path) -> list[Image.Image]:
    # weasyprint switches PIL's LOAD_TRUNCATED_IMAGES on for the whole process when imported (serve, or a
    # report made earlier in the same process): a half-transferred scan must still be refused here
    truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    heif.enable()
    try:
        img = Image.open(path)
        frames = []
        for frame in ImageSequence.Iterator(img):
            frame.load()
            frames.append(frame.copy())
        return frames
    except Image.DecompressionBombError as exc:
        raise Unreadable("图像尺寸异常巨大（疑似压缩炸弹），不予处理 / image too large (decompression bomb)") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Unreadable(f"图像文件损坏或不完整（可能传输中断）/ image is corrupt or truncated: {exc}") from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok


def _pdf_complete(path: Path) -> None:
    """A PDF ends with %%EOF: without it the file was cut off in transfer, and a reader's repair would
    show blank pages that then look like "no household found". Quarantined as damaged instead."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 2048))
        if b"%%EOF" not in f.read():
            raise Unreadable("PDF文件不完整（可能传输中断），请重新扫描或重新复制 / truncated PDF (no end marker)")


def _image_page(number: int, img: Image.Image) -> Page:
    code = qr.read(img)
    if code and code.is_cover:
        return Page(number, "", code.key, "qr", cover=code)
    return Page(number, ocr.read_image(img).text, form=code)


def _pdf_pages(path: Path) -> Iterator[Page]:
    try:
        with pdf.opened(path) as doc:
            n = len(doc)  # type: ignore[arg-type]
            if n == 0:
                raise Unreadable("PDF文件损坏或没有任何页面 / corrupt PDF or no pages")
            if n > MAX_PDF_PAGES:
                raise Unreadable(f"PDF共{n}页，超过每个文件{MAX_PDF_PAGES}页的上限，请按户拆分后再导入 / "
                                 f"{n} pages, more than the {MAX_PDF_PAGES}-page limit per file")
            for i in range(n):
                text = pdf.text_of(doc, i)
                if len(text) >= MIN_TEXT_LAYER:
                    code = qr.parse(text)
                    yield Page(i + 1, text, code.key if code and code.is_cover else None, "text-layer",
                               code if code and not code.is_cover else None, code if code and code.is_cover else None)
                    continue
                yield _image_page(i + 1, pdf.render(doc, i, dpi=PDF_DPI, gray=True))
    except pdf.PdfError as exc:
        if exc.password:
            raise Unreadable("PDF文件有密码保护，无法读取 / password-protected PDF") from exc
        raise Unreadable(f"PDF文件损坏，无法打开 / corrupt PDF: {str(exc)[:80]}") from exc
    except Unreadable:
        raise
    except Exception as exc:
        raise Unreadable(f"PDF页面无法读取（文件可能不完整）/ PDF page unreadable: {str(exc)[:80]}") from exc


SECOND_SCALE = 1300


def reread(path: Path, kind: str, number: int) -> str:
    """A second OCR of one page at another scale, for pages whose first reading gave no household."""
    if kind in ("jpeg", "png", "tiff", "heic"):
        img = _images(path)[number - 1]
    elif kind == "pdf":
        with pdf.opened(path) as doc:
            img = pdf.render(doc, number - 1, dpi=PDF_DPI, gray=True)
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
