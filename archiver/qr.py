"""dibao QR codes, made with segno, read with zxing-cpp. One payload format for every printed page:

    DIBAO-HH:<household key>[;F=<form>][;S=<case step>][;C=<case date YYYYMMDD>][;M=<signature>]

A bare `DIBAO-HH:<key>` is a cover sheet (扫描封面): it is not filed, and routes the pages after it. A
payload with F= is a pre-filled form (archiver/forms via `dibao form`): the page itself is filed, to that
household, as that form's type and case step, with no OCR guess. Codes are ASCII so every reader agrees.
M= is an HMAC of everything before it with the home's key (archiver/codekeys.py): anyone can print a QR code,
so an unsigned or mis-signed code routes nothing by itself (archiver/trust.py decides).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import re
from dataclasses import dataclass

from PIL import Image

PREFIX = "DIBAO-HH:"
FORMS = {"SQ": "申请书", "DC": "入户调查表", "SP": "审批表", "BY": "不予批准告知书", "FH": "复核表", "SQS": "授权书",
         "TB": "停保告知书", "JB": "减保告知书"}
STEPS = {"SQ": "申请", "DC": "入户调查", "SP": "审批", "GZ": "告知", "FH": "复核", "HD": "核对", "TG": "停保告知",
         "TZ": "调整告知"}
_PAYLOAD = re.compile(re.escape(PREFIX) + r"([0-9A-Za-z\-]{4,32})((?:;[FSCM]=[0-9A-Za-z]{1,16})*)")
SIG_CHARS = 16  # hex digits of the HMAC kept: 64 bits, too many to guess by uploading

log = logging.getLogger("dibao.qr")


@dataclass(frozen=True)
class Code:
    key: str
    form: str | None = None  # 入户调查表 …
    step: str | None = None  # 入户调查 …
    case: str | None = None  # YYYY-MM-DD: the 申请 date of the case the form belongs to
    body: str = ""  # the payload as signed (everything but M=)
    sig: str | None = None  # M=: the HMAC printed with it, or None (an unsigned code)

    @property
    def is_cover(self) -> bool:
        return self.form is None


def payload(household_key: str, form: str | None = None, step: str | None = None, case: str | None = None,
            secret: bytes | None = None) -> str:
    """The code's text; signed (;M=) with `secret`, the home's current key (codekeys.secret)."""
    out = PREFIX + household_key
    if form:
        out += ";F=" + {v: k for k, v in FORMS.items()}[form]
    if step:
        out += ";S=" + {v: k for k, v in STEPS.items()}[step]
    if case:
        out += ";C=" + case.replace("-", "")
    if secret:
        out += ";M=" + signature(out, secret)
    return out


def signature(body: str, secret: bytes) -> str:
    return hmac.new(secret, body.encode("ascii", "replace"), hashlib.sha256).hexdigest()[:SIG_CHARS].upper()


def parse(text: str) -> Code | None:
    m = _PAYLOAD.search(text or "")
    if not m:
        return None
    fields = [p for p in m.group(2).split(";") if "=" in p]
    parts = dict(p.split("=", 1) for p in fields)
    case = parts.get("C")
    body = PREFIX + m.group(1) + "".join(";" + p for p in fields if not p.startswith("M="))
    return Code(m.group(1), FORMS.get(parts.get("F", "")), STEPS.get(parts.get("S", "")),
                f"{case[:4]}-{case[4:6]}-{case[6:8]}" if case and len(case) == 8 and case.isdigit() else None,
                body, parts.get("M"))


def png(household_key: str, scale: int = 8, form: str | None = None, step: str | None = None,
        case: str | None = None, secret: bytes | None = None) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(payload(household_key, form, step, case, secret), error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def read(img: Image.Image) -> Code | None:
    """The dibao code on this page, if any (cover sheet or pre-filled form)."""
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
        c = parse(code.text or "")
        if c:
            return c
    return None


def cover_key(img: Image.Image) -> str | None:
    """The household key if this page carries a dibao cover-sheet QR code."""
    c = read(img)
    return c.key if c and c.is_cover else None


def cover_key_from_text(text: str) -> str | None:
    """A cover sheet printed to PDF keeps its payload in the text layer too."""
    c = parse(text)
    return c.key if c and c.is_cover else None
