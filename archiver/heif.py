"""HEIC/HEIF photos (what phones take) for PIL, through pi-heif: the decode-only build of pillow-heif
(libheif and libde265, LGPL; no x265 encoder, which is GPL). Call enable() before Image.open."""

from __future__ import annotations

import logging

log = logging.getLogger("dibao.heif")
_enabled = False
BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1")


def enable() -> bool:
    global _enabled
    if not _enabled:
        try:
            from pi_heif import register_heif_opener
        except ImportError:  # pragma: no cover - declared in pyproject; say so rather than fail on every photo
            log.warning("pi-heif is not installed: HEIC photos cannot be read")
            return False
        register_heif_opener()
        _enabled = True
    return True


def is_heif(head: bytes) -> bool:
    """ISO-BMFF with a HEIF brand: `....ftypheic` (major brand) — checked before audio/video, which share ftyp."""
    return head[4:8] == b"ftyp" and head[8:12] in BRANDS
