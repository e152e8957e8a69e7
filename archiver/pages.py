"""Read a document into pages of text: images (multi-page TIFF too), PDFs (text layer or OCR), Word files.

A file that cannot be read raises Unreadable with a reason a clerk understands.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError

from . import heif, ocr, pdf, qr
from .errors import UserError

PDF_DPI = 200
MIN_TEXT_LAYER = 20  # fewer characters than this on a PDF page means it is a scan
MAX_PDF_PAGES = 300  # per file: a household's papers are tens of pages; thousands mean a mistake or an attack
MAX_FRAMES = MAX_PDF_PAGES  # frames of a TIFF/HEIC/GIF: pages too
MAX_FILE_PIXELS = MAX_FRAMES * 2480 * 3508  # 300 A4 pages scanned at 300 dpi, summed over a file's frames


class Unreadable(UserError):
    pass


@dataclass
class Page:
    number: int  # 1-based
    text: str
    cover_key: str | None = None  # household key from a dibao cover-sheet QR code
    source: str = "ocr"  # ocr | text-layer | docx | qr | blank (no ink: not read, not read again)
    form: qr.Code | None = None  # a dibao pre-filled form's QR code: household, form kind, case step
    cover: qr.Code | None = None  # the cover sheet's code itself (its signature is checked before it routes)
    untrusted_code: bool = False  # a code was read here that may not route (unsigned or forged): set by routing


def read(path: Path, kind: str) -> list[Page]:
    if kind in ("jpeg", "png", "tiff", "heic"):
        with _opened_image(path) as img:
            out = []
            for i in range(_frame_count(img)):  # one frame decoded at a time, each read before the next
                out.append(_image_page(i + 1, _frame(img, i)))
            return out
    if kind == "pdf":
        _pdf_complete(path)
        return list(_pdf_pages(path))
    if kind == "docx":
        return [Page(1, _docx_text(path), None, "docx")]
    raise Unreadable(f"暂不支持的文件类型：{kind} / unsupported kind")


@contextmanager
def _opened_image(path: Path) -> Iterator[Image.Image]:
    """The image opened lazily (no frame decoded yet), with a clerk's reason for anything unreadable."""
    # weasyprint switches PIL's LOAD_TRUNCATED_IMAGES on for the whole process when imported (serve, or a
    # report made earlier in the same process): a half-transferred scan must still be refused here
    truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    heif.enable()
    try:
        with Image.open(path) as img:
            yield img
    except Image.DecompressionBombError as exc:
        raise Unreadable("图像尺寸异常巨大（疑似压缩炸弹），不予处理 / image too large (decompression bomb)") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Unreadable(f"图像文件损坏或不完整（可能传输中断）/ image is corrupt or truncated: {str(exc)[:80]}") from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok


def _frame_count(img: Image.Image) -> int:
    """How many frames (pages) a TIFF, HEIC or GIF holds, found from their headers before any is decoded.
    Refused like a PDF of too many pages: more than MAX_FRAMES frames, one frame past Pillow's bomb limit, or
    more pixels in all than MAX_FILE_PIXELS (300 A4 pages at 300 dpi)."""
    pixels, n = 0, 0
    while True:
        try:
            img.seek(n)
        except EOFError:
            break
        if n >= MAX_FRAMES:
            raise Unreadable(f"图像文件超过{MAX_FRAMES}页（帧），超过每个文件{MAX_FRAMES}页的上限，请按户拆分后再导入 / "
                             f"more than the {MAX_FRAMES}-frame limit per file")
        w, h = img.size
        if Image.MAX_IMAGE_PIXELS and w * h > 2 * Image.MAX_IMAGE_PIXELS:
            raise Unreadable(f"图像第{n + 1}页尺寸异常巨大（{w}×{h}，疑似压缩炸弹），不予处理 / frame {n + 1} too large "
                             "(decompression bomb)")
        pixels += w * h
        if pixels > MAX_FILE_PIXELS:
            raise Unreadable(f"图像各页合计像素超过上限（相当于{MAX_FRAMES}页A4、300dpi扫描），疑似异常文件，请按户拆分或降低"
                             f"扫描分辨率后再导入 / frames too large in total (over {MAX_FILE_PIXELS // 10**6} megapixels)")
        n += 1
    if n == 0:
        raise Unreadable("图像文件损坏或没有任何页面 / image has no frames")
    return n


def _frame(img: Image.Image, index: int) -> Image.Image:
    """Frame `index` decoded (only that one is held in memory)."""
    try:
        img.seek(index)
        img.load()
        return img.copy()
    except Image.DecompressionBombError as exc:
        raise Unreadable("图像尺寸异常巨大（疑似压缩炸弹），不予处理 / image too large (decompression bomb)") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Unreadable(f"图像第{index + 1}页损坏或不完整（可能传输中断）/ frame {index + 1} is corrupt or truncated: "
                         f"{str(exc)[:80]}") from exc


def _pdf_complete(path: Path) -> None:
    """A PDF ends with %%EOF: without it the file was cut off in transfer, and a reader's repair would
    show blank pages that then look like "no household found". Quarantined as damaged instead."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 2048))
        if b"%%EOF" not in f.read():
            raise Unreadable("PDF文件不完整（可能传输中断），请重新扫描或重新复制 / truncated PDF (no end marker)")


BLANK_FLOOR = 192  # a page with no pixel darker than this light grey holds no ink: nothing to read


def _image_page(number: int, img: Image.Image) -> Page:
    if _blank(img):  # a duplex scanner's empty back side: four OCR passes (every rotation) for nothing
        return Page(number, "", source="blank")
    code = qr.read(img)
    if code and code.is_cover:
        return Page(number, "", code.key, "qr", cover=code)
    return Page(number, ocr.read_image(img).text, form=code)


def _blank(img: Image.Image) -> bool:
    low = img.convert("L").getextrema()[0]
    return isinstance(low, int | float) and low > BLANK_FLOOR


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
        with _opened_image(path) as opened:
            if number > _frame_count(opened):
                return ""
            img = _frame(opened, number - 1)
    elif kind == "pdf":
        with pdf.opened(path) as doc:
            img = pdf.render(doc, number - 1, dpi=PDF_DPI, gray=True)
    else:
        return ""
    return ocr.read_image(img, SECOND_SCALE).text


MAX_DOCX_BYTES = 256 * 1024**2  # all parts of a .docx unpacked (photos included): python-docx holds them all
MAX_DOCX_XML = 32 * 1024**2  # its XML parts, parsed into trees many times their size
MAX_DOCX_PARAGRAPHS = 20_000  # a household's form or letter has tens; hundreds of thousands mean an attack


def _docx_bounded(path: Path) -> None:
    """Refuse a .docx whose parts would take unbounded memory or time to parse, before python-docx opens it
    (a 63 KB file of 3,000,000 empty paragraphs took 1.1 GB and three minutes). Sizes are the ones the zip
    declares, which zipfile enforces while reading."""
    import re
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
            xml = [p for p in parts if p.filename.endswith((".xml", ".rels"))]
            if len(parts) > 5000 or sum(p.file_size for p in parts) > MAX_DOCX_BYTES \
                    or sum(p.file_size for p in xml) > MAX_DOCX_XML:
                raise Unreadable(f"Word文件解压后过大（超过{MAX_DOCX_BYTES // 1024**2}MB，或文字部分超过"
                                 f"{MAX_DOCX_XML // 1024**2}MB），疑似异常文件，请另存为PDF后再导入 / .docx too large unpacked")
            body = z.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError) as exc:
        raise Unreadable(f"Word文件损坏，无法打开 / corrupt .docx: {str(exc)[:80]}") from exc
    for n, _ in enumerate(re.finditer(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]", body)):
        if n >= MAX_DOCX_PARAGRAPHS:
            raise Unreadable(f"Word文件超过{MAX_DOCX_PARAGRAPHS}个段落的上限，疑似异常文件，请另存为PDF后再导入 / "
                             f"more than {MAX_DOCX_PARAGRAPHS} paragraphs")


def _docx_text(path: Path) -> str:
    import docx

    _docx_bounded(path)
    try:
        d = docx.Document(str(path))
    except Exception as exc:
        raise Unreadable(f"Word文件损坏，无法打开 / corrupt .docx: {str(exc)[:80]}") from exc
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.append(" ".join(c.text for c in row.cells))
    return "\n".join(p for p in parts if p.strip())
