"""dibao cover-sheet QR codes: made with segno, read with zxing-cpp."""

from __future__ import annotations

import io
import logging
import re

from PIL import Image

PREFIX = "DIBAO-HH:"
_PAYLOAD = re.compile(re.escape(PREFIX) + r"([0-9A-Za-z\-]{4,32})")

log = logging.getLogger("dibao.qr")


def payload(household_key: str) -> str:
    return PREFIX + household_key


def png(household_key: str, scale: int = 8) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(payload(household_key), error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def cover_key(img: Image.Image) -> str | None:
    """The household key if this page carries a dibao cover-sheet QR code."""
    import zxingcpp

    small = img.convert("L")
    if max(small.size) > 1600:
        small.thumbnail((1600, 1600))
    try:
        found = zxingcpp.read_barcodes(small)
    except Exception as exc:  # the page is still read by OCR; say that the QR reader failed, not "no QR"
        log.warning("QR reader failed on a page (%s: %s); treated as a page without a cover sheet",
                    type(exc).__name__, exc)
        return None
    for code in found:
        m = _PAYLOAD.search(code.text or "")
        if m:
            return m.group(1)
    return None


def cover_key_from_text(text: str) -> str | None:
    """A cover sheet printed to PDF keeps its payload in the text layer too."""
    m = _PAYLOAD.search(text)
    return m.group(1) if m else None
