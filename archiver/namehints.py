"""A page that names a person: "持证人：蔡佳怡", "申请人：孟玉珍", "兹证明孟玉珍（…）". When such a name belongs to
one household only within the user's area, that household is a candidate for a quarantined page — offered
to staff, never filed by itself (two people may share a name outside the area, and a name is not an ID)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.catalog import Catalog, Scope

LABELS = ("持证人", "申请人", "户主", "姓名", "被调查人", "调查对象", "领款人", "监护人", "本人", "兹证明", "证明", "残疾人")
_NAME = re.compile(rf"(?:{'|'.join(LABELS)})\s*[:：]?\s*([\u4e00-\u9fff·]{{2,5}})")


@dataclass(frozen=True)
class NameHint:
    name: str
    household_id: int


def names_in(text: str) -> list[str]:
    """The names the page gives after a label, longest reading first (a label may run into the next word:
    "被调查人：王大山之子" reads 王大山之子, 王大山之, 王大山, 王大)."""
    out: list[str] = []
    for m in _NAME.finditer(text or ""):
        word = m.group(1)
        for n in range(len(word), 1, -1):
            if word[:n] not in out:
                out.append(word[:n])
    return out


def unique_households(cat: Catalog, text: str, scope: Scope) -> list[NameHint]:
    """Households whose member the page names, where that name is unique within `scope`."""
    where, args = scope.sql("h")
    hints: list[NameHint] = []
    for name in names_in(text):
        rows = cat.households_with_member_name(name, where, args, limit=2)
        if len(rows) == 1 and all(h.household_id != int(rows[0]["id"]) for h in hints):
            hints.append(NameHint(name, int(rows[0]["id"])))
    return hints
