"""A household's members packed in one cell: "张三(户主),李四(配偶)" with "4301…、4301…" in the ID cell.

Some offices keep one row per household and write every member into one cell, their ID numbers into another
(joined by 、 , ; / spaces or line breaks), in the same order. Such a row is read as one row per member, the
relation taken from the brackets after each name. When the names and the numbers cannot be paired one to one
the row is refused with both counts: pairing them by guess would give a child the grandmother's number.
"""

from __future__ import annotations

import re
import unicodedata

from .header import Header
from .values import text

_ID = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_SPLIT = re.compile(r"[,;/、\n\r\t]+|\s{2,}|(?<=\))\s+")  # one space may sit inside a name (汪 淑珍)
_RELATION = re.compile(r"^(.+?)\(([^()]{1,8})\)$")


def ids_in(cell: object) -> list[str]:
    """ID numbers written in one cell, in order."""
    return _ID.findall(unicodedata.normalize("NFKC", text(cell)))


def names_in(cell: object) -> list[tuple[str, str]]:
    """(name, relation) pairs written in one cell: 张三(户主),李四(配偶) or 张三、李四."""
    t = unicodedata.normalize("NFKC", "" if cell is None else str(cell)).strip()  # line breaks kept: they separate
    t = re.sub(r"\s*\(\s*", "(", re.sub(r"\s*\)", ")", t))
    out = []
    for part in _SPLIT.split(t):
        if not part:
            continue
        m = _RELATION.match(part)
        out.append((m.group(1), m.group(2)) if m else (part, ""))
    return out


def unpack(rows: list[list[object]], header: Header) -> tuple[list[tuple[int, list[object]]], list[tuple[int, str]]]:
    """(index, cells) for every data row, a packed row given as one row per member; and (index, reason) for
    packed rows whose names and numbers do not pair."""
    cols = header.columns
    name_c = cols.get("member_name", cols.get("head_name"))
    id_c = cols.get("member_id", cols.get("head_id"))
    out: list[tuple[int, list[object]]] = []
    refused: list[tuple[int, str]] = []
    if name_c is None or id_c is None:
        return [(i, list(rows[i])) for i in range(header.data_start, len(rows))], refused
    width = max((len(r) for r in rows), default=0)
    rel_c = cols.get("relation")
    for i in range(header.data_start, len(rows)):
        cells = list(rows[i])
        ids = ids_in(cells[id_c]) if id_c < len(cells) else []
        names = names_in(cells[name_c]) if name_c < len(cells) else []
        if len(ids) < 2 and (len(names) < 2 or not ids):
            out.append((i, cells))
            continue
        head = text(cells[cols["head_name"]]) if "head_name" in cols and cols["head_name"] < len(cells) else ""
        if len(names) + 1 == len(ids) and head and name_c != cols.get("head_name"):
            names = [(head, "户主"), *names]  # the head in a column of their own, the others packed
        if len(names) != len(ids):
            refused.append((i, f"同一单元格中有{len(names)}个成员姓名、{len(ids)}个身份证号，无法逐一对应，请每人一行或"
                               f"按相同顺序填写 / {len(names)} names and {len(ids)} ID numbers in one row: cannot pair"))
            continue
        if rel_c is None and any(r for _, r in names):
            rel_c = cols["relation"] = width  # relations given in brackets: a column of their own from here
            header.labels[width] = "与户主关系"
        for (name, relation), number in zip(names, ids, strict=True):
            one = cells + [None] * (width + 1 - len(cells))
            one[name_c], one[id_c] = name, number
            if rel_c is not None and relation:
                one[rel_c] = relation
            if "head_id" in cols and "member_id" in cols and cols["head_id"] != id_c and relation == "户主":
                one[cols["head_id"]] = one[cols["head_id"]] or number
            out.append((i, one))
    return out, refused
