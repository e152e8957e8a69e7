"""What a sheet says outside its columns: 乡镇, 城市/农村 and the period, from the title rows, the
填报单位/发放单位 line, the sheet name, the file name and its folder — in that order of trust.

Each value comes back with the source it was taken from (for the import report); two sources that
name different values make it a conflict, which rows needing that value report as an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from archiver import places

from .values import title_month

SOURCE_LABELS = {"column": "列", "title": "标题", "unit": "填报单位", "sheet": "工作表名", "filename": "文件名",
                 "folder": "文件夹", "": "无"}
_UNIT = re.compile(r"(?:填报|发放|报送|制表)?单位(?:\(盖章\)|（盖章）)?[:：]\s*([^\s:：]*)")
_DEFAULT_SHEET = re.compile(r"^(sheet|工作表)\d*$", re.I)
_NOT_PLACES = ("城乡", "乡镇", "城镇", "乡村", "村镇", "下乡", "返乡", "家乡", "本乡", "本镇", "全乡", "全镇", "各乡",
               "各镇", "该乡", "该镇", "乡级", "镇级", "城市", "农村")
_TOWNSHIP = re.compile(r"([\u4e00-\u9fff]+?)(街道|民族乡|镇|乡)")
_CUT = re.compile(r"^.*[县市区州省年月度日]")


@dataclass
class Found:
    value: str | None = None
    source: str = ""  # column | title | unit | sheet | filename | folder | "" (nowhere)
    conflict: str = ""  # "标题为东山镇，文件名为西山镇" when two sources disagree

    def as_json(self) -> dict:
        out = {"value": self.value, "source": self.source, "source_label": SOURCE_LABELS.get(self.source, self.source)}
        if self.conflict:
            out["conflict"] = self.conflict
        return out


@dataclass
class SheetContext:
    township: Found = field(default_factory=Found)
    area_type: Found = field(default_factory=Found)
    period: Found = field(default_factory=Found)  # value: 'YYYY-MM-DD', the last day of the month reported on
    year_only: Found = field(default_factory=Found)  # '2025' where a title names a year but no month
    tiered: bool = False  # the home pays by 分档 tiers: 一类/二类/三类 in a class column name the tier

    @property
    def sheet_date(self) -> str | None:
        return self.period.value if not self.period.conflict else None

    @property
    def year(self) -> int | None:
        if self.period.value:
            return int(self.period.value[:4])
        return int(self.year_only.value) if self.year_only.value and not self.year_only.conflict else None

    def as_json(self) -> dict:
        return {"township": self.township.as_json(), "type": self.area_type.as_json(),
                "period": self.period.as_json()}


def township_in(text: str) -> str | None:
    """The 乡镇/街道 a title or file name names ('东山镇2025年12月城市低保花名册' → 东山镇)."""
    t = places.fold_text(text)
    for word in _NOT_PLACES:
        t = t.replace(word, " ")
    for run in re.split(r"[^\u4e00-\u9fff]+", t):
        for m in _TOWNSHIP.finditer(run):
            name = _CUT.sub("", m.group(1))
            if name:
                return places.township(name + m.group(2))
    return None


def area_type_in(text: str) -> str | None:
    t = places.fold_text(text).replace("城乡", "")
    city, rural = "城市" in t or "城镇低保" in t or "城镇居民" in t, "农村" in t
    return ("城市" if city else "农村") if city != rural else None


def period_in(text: str) -> str | None:
    return title_month([text])


def year_in(text: str) -> str | None:
    m = re.search(r"(20\d{2}|19\d{2})\s*年", text)
    return m.group(1) if m else None


def _sources(above: list[str], sheet_name: str, source_name: str, folders: list[str]) -> list[tuple[str, str]]:
    titles, units = [], []
    for line in above:
        if _UNIT.search(line):
            units += [m.group(1) for m in _UNIT.finditer(line) if m.group(1)]
        elif "填报" not in line and "制表" not in line:
            titles.append(line)
    out = [("title", t) for t in titles] + [("unit", u) for u in units]
    if sheet_name and not _DEFAULT_SHEET.match(sheet_name.strip()):
        out.append(("sheet", sheet_name))
    p = PurePath(source_name)
    out.append(("filename", p.stem))
    names = [part for part in reversed(p.parent.parts) if part not in ("", ".", "/")]
    out += [("folder", part) for part in dict.fromkeys(names + folders)]
    return out


def _first(sources: list[tuple[str, str]], find: Callable[[str], str | None], label: str) -> Found:
    found = Found()
    for source, text in sources:
        value = find(text)
        if value is None:
            continue
        if found.value is None:
            found = Found(value, source)
        elif value != found.value and not found.conflict:
            found.conflict = (f"{SOURCE_LABELS[found.source]}为{found.value}，{SOURCE_LABELS[source]}为{value}，"
                              f"{label}互相矛盾")
    return found


def read(above: list[str], sheet_name: str, source_name: str, folders: list[str] | None = None) -> SheetContext:
    """`folders`: the names of the folders the file really lies in, nearest first (the ingested folder
    itself counts: an office drops a folder named for its township)."""
    sources = _sources(above, sheet_name, source_name, folders or [])
    # the unit line names the office, never the period (its 填报日期 is when it was filled in)
    dated = [(s, t) for s, t in sources if s != "unit"]
    return SheetContext(_first(sources, township_in, "乡镇"), _first(sources, area_type_in, "城乡类别"),
                        _first(dated, period_in, "所属期间"), _first(dated, year_in, "所属年份"))

