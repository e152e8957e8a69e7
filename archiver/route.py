"""Which household a page belongs to — precision first: a page filed to the wrong household is worse
than a page not filed, so anything ambiguous or unknown is a quarantine with its candidates.

Signals in order of trust:
 1. checksum-valid ID numbers in the page text that belong to members of exactly one household;
 2. a dibao cover-sheet QR code;
 3. an ID number, or a name unique in the archive, in the file name;
 4. a member's name together with their village in the text, when that pair is unique.
A weaker signal may only narrow the candidates a stronger one left, never contradict it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

import opencc

from archiver import idcard
from archiver.catalog import Catalog

_t2s = opencc.OpenCC("t2s")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass
class Decision:
    household_id: int | None
    method: str = ""
    candidates: list[int] = field(default_factory=list)
    reason: str = ""


class Router:
    """Holds the name and village lookups for one ingest run (rebuilt when the catalog changes)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._names: dict[str, set[int]] | None = None
        self._villages: dict[str, dict[str, set[int]]] = {}  # village → member name → households
        self.registered: list[int] = []  # first-time applicants' households made from their 申请书 this run

    def _load(self) -> None:
        names: dict[str, set[int]] = {}
        villages: dict[str, dict[str, set[int]]] = {}
        for h in self.catalog.households():
            for m in h.members:
                if m.removed_on is None and m.name:
                    names.setdefault(m.name, set()).add(h.id)
                    if h.village:
                        villages.setdefault(h.village, {}).setdefault(m.name, set()).add(h.id)
        self._names, self._villages = names, villages

    def invalidate(self) -> None:
        self._names = None

    @property
    def names(self) -> dict[str, set[int]]:
        if self._names is None:
            self._load()
        assert self._names is not None
        return self._names

    # ------------------------------------------------------------------ signals
    def by_text_ids(self, text: str) -> set[int] | None:
        found = idcard.find_all(text)
        if not found:
            return None
        sets = [set(self.catalog.household_ids_by_member(n)) or set(self.catalog.household_ids_by_member(n, False))
                for n in found]
        sets = [s for s in sets if s]
        if not sets:
            return None
        unique = {next(iter(s)) for s in sets if len(s) == 1}
        if len(unique) == 1:
            only = next(iter(unique))
            if all(only in s for s in sets if len(s) > 1):
                return {only}
            return unique
        if len(unique) > 1:
            return unique  # IDs of several households on one page: ambiguous
        return set.intersection(*sets) or set.union(*sets)

    def by_cover(self, key: str | None) -> set[int] | None:
        if not key:
            return None
        hid = self.catalog.resolve_key(key)
        if hid is None and key[:1] == "D" and key[1:].isdigit() and self.catalog.household_row(int(key[1:])) is not None:
            hid = int(key[1:])  # printed while the household had only a provisional number, numbered since
        return {hid} if hid is not None else None

    def by_filename(self, filename: str) -> set[int] | None:
        stem = _t2s.convert(PurePath(filename).stem)
        ids = idcard.find_all(stem)
        if ids:
            return self.by_text_ids(stem)
        hits = {n for n in _CJK_RUN.findall(stem) for n in _substrings(n) if n in self.names}
        if not hits:
            return None
        longest = max(len(n) for n in hits)
        households: set[int] = set()
        for n in hits:
            if len(n) == longest:
                households |= self.names[n]
        return households

    def by_name_and_village(self, text: str) -> set[int] | None:
        simple = _t2s.convert(text).replace(" ", "")
        if self._names is None:
            self._load()
        villages = [v for v in self._villages if v and v in simple]
        if not villages:
            return None
        candidates: set[int] = set()
        for v in villages:
            for name, hids in self._villages[v].items():
                if len(name) >= 2 and name in simple:
                    candidates |= hids
        return candidates or None

    # ------------------------------------------------------------------ decision
    def decide(self, text: str, cover: str | None, filename: str) -> Decision:
        allowed: set[int] | None = None
        for method, found in (("身份证号", lambda: self.by_text_ids(text)), ("封面二维码", lambda: self.by_cover(cover)),
                              ("文件名", lambda: self.by_filename(filename)),
                              ("姓名+村", lambda: self.by_name_and_village(text))):
            cands = found()
            if not cands:
                continue
            if allowed is not None:
                narrowed = cands & allowed
                if not narrowed:
                    return Decision(None, method, sorted(allowed | cands),
                                    f"线索互相矛盾（{method}指向其他家庭）/ conflicting signals")
                cands = narrowed
            if len(cands) == 1:
                return Decision(next(iter(cands)), method, sorted(cands))
            allowed = cands
        if allowed:
            return Decision(None, "", sorted(allowed), "有多个候选家庭，无法确定 / ambiguous: several candidate households")
        return Decision(None, "", [], "找不到所属家庭：页面和文件名中没有可识别的身份证号、封面二维码或姓名+村名 / "
                                      "no household found")


def _substrings(run: str) -> list[str]:
    """Name-length windows of a run of Chinese characters (a file name like 丁佳怡审批表)."""
    out = []
    for size in (4, 3, 2):
        for i in range(0, len(run) - size + 1):
            out.append(run[i: i + size])
    return out

