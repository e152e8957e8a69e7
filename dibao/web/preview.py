"""Page images for the browser: thumbnails and the in-page viewer, from any stored scan or PDF.

Browsers cannot show TIFF and a multi-page PDF is heavy to embed, so every page is served as a JPEG
rendered on demand (a page is ~50 ms; nothing is cached on disk, so no second copy of personal data).
"""

from __future__ import annotations

import html
import io
import logging
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence

from archiver import heif
from archiver.errors import UserError
from archiver.privacy import plain, scrub
from archiver.sniff import IMAGE, sniff

THUMB = 240
VIEW = 1400
MAX_PIXELS = 80_000_000  # larger than any real scan (A3 at 600 dpi is 70 MP): a decompression bomb
log = logging.getLogger("dibao.web")


class Unpreviewable(UserError):
    """The file cannot be shown; the message says why, for the placeholder."""


def safe_page_count(path: Path) -> tuple[int, str]:
    """(pages, why not) — never raises: a damaged file in the archive or quarantine still opens its page,
    with one placeholder page that says what is wrong."""
    try:
        return page_count(path), ""
    except Exception as exc:
        log.warning("page count of %s: %s", path.name, scrub(str(exc)))
        return 1, _why(exc)


def safe_render(path: Path, page: int, max_side: int) -> tuple[bytes, str]:
    """(image bytes, media type) of a page, or a placeholder image saying why it cannot be shown.
    IndexError (no such page) still propagates: that is a wrong address, not a damaged file."""
    try:
        return render(path, page, max_side), "image/jpeg"
    except IndexError:
        raise
    except Exception as exc:
        log.warning("preview of %s page %d: %s", path.name, page, scrub(str(exc)))
        return placeholder(_why(exc), max_side), "image/svg+xml"


def _why(exc: Exception) -> str:
    if isinstance(exc, Unpreviewable):
        return str(exc)
    if isinstance(exc, Image.DecompressionBombError):
        return "图像尺寸异常巨大（疑似压缩炸弹），不予显示 / image too large to show"
    if isinstance(exc, FileNotFoundError):
        return "文件在磁盘上缺失，请联系管理员检查档案库 / file missing on disk"
    return f"文件损坏或不完整，无法预览 / damaged or truncated file: {plain(str(exc))[:80]}"


def placeholder(reason: str, side: int = THUMB) -> bytes:
    """A plain image (SVG) with the reason written on it, in place of a page that cannot be drawn."""
    w, h = side, int(side * 1.414)
    size = max(10, side // 20)
    chunks = [reason[i:i + max(6, w // size - 2)] for i in range(0, len(reason), max(6, w // size - 2))][:12]
    lines = "".join(f'<tspan x="50%" dy="{1.4 * size:.0f}">{html.escape(c)}</tspan>' for c in chunks)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
            f'<rect width="100%" height="100%" fill="#f4f4f4" stroke="#c00"/>'
            f'<text x="50%" y="{h // 3}" font-size="{size}" text-anchor="middle" fill="#900">'
            f'<tspan x="50%">无法显示此页</tspan>{lines}</text></svg>').encode()


def _open_image(path: Path) -> Image.Image:
    im = Image.open(path)
    if im.width * im.height > MAX_PIXELS:
        im.close()
        raise Unpreviewable(f"图像有 {im.width}×{im.height} 像素，超过可显示上限，疑似压缩炸弹 / image too large")
    return im


def page_count(path: Path) -> int:
    kind = sniff(path).kind
    if kind == "pdf":
        from archiver import pdf

        return pdf.page_count(path)
    if kind in IMAGE:
        heif.enable()
        with _open_image(path) as im:
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
        with _open_image(path) as im:
            frames = list(ImageSequence.Iterator(im))
            if not 1 <= page <= len(frames):
                raise IndexError(page)
            image = ImageOps.exif_transpose(frames[page - 1].copy())
    else:
        raise Unpreviewable(f"无法预览此类文件 / cannot preview {kind or sniff(path).reason}")
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
