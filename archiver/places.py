"""Names of places (and people) folded to one form, so one village read from two sheets is one village.

Traditional → simplified, full-width → half-width, spaces dropped, and the suffixes offices add or leave
off: 红旗村委会 / 红旗村民委员会 → 红旗村; 东风社区居委会 / 东风居委会 → 东风社区; 东山镇人民政府 → 东山镇;
城南街道办事处 → 城南街道.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

_t2s = opencc.OpenCC("t2s")
_WS = re.compile(r"[\s\u3000]+")

_VILLAGE_SUFFIXES = (
    ("社区居民委员会", "社区"), ("社区居委会", "社区"), ("居民委员会", "社区"), ("居委会", "社区"),
    ("村民委员会", "村"), ("村委会", "村"), ("村委", "村"),
)
_TOWNSHIP_SUFFIXES = (("街道办事处", "街道"), ("人民政府", ""), ("民政办", ""), ("政府", ""))


@functools.lru_cache(maxsize=4096)
def fold_text(value: str) -> str:
    """Simplified, half-width, no spaces: the form names are stored and compared in."""
    return _t2s.convert(_WS.sub("", unicodedata.normalize("NFKC", value)))


@functools.lru_cache(maxsize=4096)
def village(value: str) -> str:
    t = fold_text(value)
    for long, short in _VILLAGE_SUFFIXES:
        if t.endswith(long) and len(t) > len(long):
            return t[: -len(long)] + short
    return t


@functools.lru_cache(maxsize=4096)
def township(value: str) -> str:
    t = fold_text(value)
    for long, short in _TOWNSHIP_SUFFIXES:
        if t.endswith(long) and len(t) > len(long) + 1:
            t = t[: -len(long)] + short
    return t


def same_person_name(a: str, b: str) -> bool:
    """张秀英 and 張秀英 (or '张 秀英') are one name."""
    return bool(a) and fold_text(a) == fold_text(b)


def village_type(village_name: str) -> str | None:
    """城市 for a 社区 (居委会), 农村 for a 村: what a village's name says when no sheet says the type."""
    t = village(village_name)
    if t.endswith("社区") and len(t) > 2:
        return "城市"
    if t.endswith("村") and len(t) > 1:
        return "农村"
    return None
