"""File names as people are shown them. A name on disk may hold bytes that are not UTF-8 (a share
written by an old Windows PC in GBK), newlines or other control characters: the file is still read by
its raw name, but every list, log line and catalog row shows an escaped form that cannot break a line,
a terminal or the database — with the GBK reading beside it when the bytes make sense as GBK."""

from __future__ import annotations

import os
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(name: str) -> str:
    """`name` (as os.fsdecode gives it, undecodable bytes as surrogates; may be a relative path) fit for
    display and storage, one path component at a time."""
    parts, hints = [], []
    for part in os.fsencode(name).split(b"/"):
        try:
            parts.append(part.decode("utf-8"))
            hints.append(parts[-1])
        except UnicodeDecodeError:
            parts.append(part.decode("ascii", "backslashreplace"))  # every byte that is not ASCII, escaped
            hints.append(_gbk(part) or parts[-1])
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], "/".join(parts))
    hint = _CONTROL.sub(lambda m: repr(m.group())[1:-1], "/".join(hints))
    return f"{text}（按GBK读作：{hint}）" if hint != text else text


def _gbk(raw: bytes) -> str:
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return ""


_COPY = re.compile(r"(?:[ _-]*(?:副本|复件|拷贝|的副本|copy)(?:\s*[(（]?\d*[)）]?)?|\s*[(（]\d+[)）])$", re.I)


def looks_like_a_copy(name: str) -> bool:
    """`报告 - 副本.pdf`, `报告(1).jpg`, `Copy`: what Windows and phones call a second copy. When the same bytes
    arrive under two names the file is filed under the other one, as the office named it."""
    stem = os.path.splitext(os.path.basename(name))[0]
    return bool(_COPY.search(stem))
