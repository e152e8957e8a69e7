"""Local policy (HOME/policy.toml): standards, review intervals, notice days, office name.

Offices differ, so every rule that varies by county is read from here rather than coded.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from archiver.errors import UserError

DEFAULT_REQUIRED = {"在保": ["申请书", "入户调查表", "民主评议记录", "公示记录", "审批表", "授权书|承诺书", "身份证|户口簿"]}
# the lists dibao has shipped: a home whose [completeness] is still one of them gets the default, read
# against its own [cases] (a list the office wrote itself is used as written)
_SHIPPED_LISTS = ([*DEFAULT_REQUIRED["在保"]], ["申请书", "入户调查表", "民主评议记录", "审批表", "身份证|户口簿"])
DEFAULT_TEXT = resources.files("archiver").joinpath("policy_default.toml").read_text(encoding="utf-8")


@dataclass
class Policy:
    office_name: str = "某某县民政局"
    supervision_phone: str = ""
    standards: dict[int, dict[str, float]] = field(default_factory=dict)
    review_months: dict[str, int] = field(default_factory=lambda: {"A": 12, "B": 6, "C": 3})
    notice_days: int = 7
    mask_names: bool = False
    adult_age: int = 18
    male_retire: int = 60
    female_retire: int = 55
    search_backend: str = "tantivy"
    required_documents: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_REQUIRED))
    raw: dict = field(default_factory=dict)
    # [[standard]] entries: (from YYYY-MM-DD, {城市/农村: 元}), sorted; empty → the [standards.YEAR] tables
    dated_standards: list[tuple[str, dict[str, float]]] = field(default_factory=list)

    def standard(self, year: int, area_type: str) -> float | None:
        """The standard in force at the end of `year` (the figure a year's documents quote)."""
        return self.standard_on(f"{year}-12-31", area_type)

    def standard_table(self) -> list[tuple[str, dict[str, float]]]:
        """Every standard as (from YYYY-MM-DD, {城市/农村: 元}) in date order: the `[[standard]]` entries when
        there are any, else the older `[standards.YEAR]` tables read as from 1 January (CONTRACT.md)."""
        return self.dated_standards or sorted((f"{y:04d}-01-01", row) for y, row in self.standards.items())

    def standard_on(self, day: str, area_type: str) -> float | None:
        """The 低保标准 (元/人/月) in force on `day`: the latest entry from on or before it, else the earliest."""
        table = self.standard_table()
        if not table:
            return None
        before = [row for start, row in table if start <= day]
        return (before[-1] if before else table[0][1]).get(area_type)


class PolicyError(UserError, ValueError):
    """policy.toml is not valid TOML, or a known key has a value of the wrong kind (names key and line)."""


_INT, _NUM, _STR, _BOOL = "整数 / an integer", "数字 / a number", "文字 / a string", "true 或 false / true or false"
# (table, key) → what the value must be; a "*" key applies to every key of the table
_KINDS: dict[tuple[str, str], str] = {
    ("office", "name"): _STR, ("office", "supervision_phone"): _STR,
    ("notice", "days"): _INT, ("notice", "mask_names"): _BOOL, ("notice", "rounds"): _INT,
    ("age", "adult"): _INT, ("age", "male_retire"): _INT, ("age", "female_retire"): _INT,
    ("review_months", "*"): _INT, ("search", "backend"): "tantivy 或 whoosh / tantivy or whoosh",
}
BACKENDS = ("tantivy", "whoosh")


def _fits(kind: str, value: object) -> bool:
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _NUM:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == _STR:
        return isinstance(value, str)
    if kind == _BOOL:
        return isinstance(value, bool)
    return value in BACKENDS


def line_of(text: str, table: str, key: str) -> int | None:
    """The line (1-based) where `key` is set inside `[table]`, for messages that point at it."""
    current = ""
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped.strip("[] ").strip('"')
        elif current == table and stripped.split("=")[0].strip().strip('"') == key:
            return n
    return None


def validate(text: str, data: dict) -> None:
    """Every known key with a value of the wrong kind raises PolicyError naming table, key and line."""
    problems = []

    def bad(table: str, key: str, want: str, value: object) -> None:
        n = line_of(text, table, key)
        where = f"第{n}行 " if n else ""
        problems.append(f"{where}[{table}] {key} = {value!r}：应为{want} / line {n}: [{table}] {key} must be {want.split(' / ')[-1]}")

    for (table, key), kind in _KINDS.items():
        section = data.get(table, {})
        if not isinstance(section, dict):
            bad(table, "", "表 / a table", section)
            continue
        for k in (section if key == "*" else [key]):
            if k in section and not _fits(kind, section[k]):
                bad(table, k, kind, section[k])
    for year, row in data.get("standards", {}).items():
        if not str(year).isdigit() or not isinstance(row, dict):
            bad("standards", str(year), "年份下的表 / a table per year", row)
            continue
        for k, v in row.items():
            if not _fits(_NUM, v):
                bad(f"standards.{year}", k, _NUM, v)
    for k, v in data.get("completeness", {}).items():
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            bad("completeness", k, "文字列表 / a list of strings", v)
    if problems:
        raise PolicyError("；".join(problems))


def parse(text: str) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"不是有效的TOML：{exc} / not valid TOML: {exc}") from exc
    validate(text, data)
    office = data.get("office", {})
    age = data.get("age", {})
    notice = data.get("notice", {})
    return Policy(
        office_name=str(office.get("name", "某某县民政局")),
        supervision_phone=str(office.get("supervision_phone", "")),
        standards={int(y): {k: float(v) for k, v in row.items()} for y, row in data.get("standards", {}).items()},
        review_months={k: int(v) for k, v in data.get("review_months", {"A": 12, "B": 6, "C": 3}).items()},
        notice_days=int(notice.get("days", 7)),
        mask_names=bool(notice.get("mask_names", False)),
        adult_age=int(age.get("adult", 18)),
        male_retire=int(age.get("male_retire", 60)),
        female_retire=int(age.get("female_retire", 55)),
        search_backend=str(data.get("search", {}).get("backend", "tantivy")),
        required_documents=_required_documents(data),
        raw=data,
        dated_standards=_dated_standards(data.get("standard", [])),
    )


def _required_documents(data: dict) -> dict[str, list[str]]:
    """[completeness] by status. The shipped default follows the [cases] rules beside it: 民主评议记录 only
    where `democratic_review_required`, 公示记录 where 公示 is a required step, a separate 授权书/承诺书 (核对
    授权) where `authorization_required` (dibao's own 申请书 carries the 授权 sentence, so off by default)."""
    cases = data.get("cases", {}) if isinstance(data.get("cases"), dict) else {}
    out = {}
    for status, items in data.get("completeness", DEFAULT_REQUIRED).items():
        names = [str(x) for x in items]
        if names in _SHIPPED_LISTS:
            drop = set()
            if not cases.get("democratic_review_required", False):
                drop.add("民主评议记录")
            if "公示" not in cases.get("required_steps", ["公示"]):
                drop.add("公示记录")
            if not cases.get("authorization_required", False):
                drop.add("授权书|承诺书")
            names = [n for n in DEFAULT_REQUIRED["在保"] if n not in drop]
        out[str(status)] = names
    return out


def _dated_standards(entries: object) -> list[tuple[str, dict[str, float]]]:
    """`[[standard]] from = "2025-07-01"  "城市" = 760 …`: several a year where a county raises mid-year."""
    if not isinstance(entries, list):
        raise ValueError("[[standard]] 应为数组表（每条有 from 和 城市/农村）/ [[standard]] must be an array of tables")
    out = []
    for i, e in enumerate(entries, 1):
        start = str(e.get("from", "")) if isinstance(e, dict) else ""
        try:
            dt.date.fromisoformat(start)
        except ValueError:
            raise ValueError(f"第{i}条 [[standard]] 的 from 应为 YYYY-MM-DD：{start!r} / standard #{i}: bad from") from None
        row: dict[str, float] = {}
        for k, v in e.items():
            if k == "from":
                continue
            try:
                row[str(k)] = float(v)
            except (TypeError, ValueError):
                raise ValueError(f"第{i}条 [[standard]] 的“{k}”应为数字（元/人/月）：{v!r} / standard #{i}: {k} must be a number") from None
        out.append((start, row))
    return sorted(out, key=lambda x: x[0])


def load(home: Path) -> Policy:
    """The home's policy, or the defaults when the office has not written one."""
    path = home / "policy.toml"
    text = path.read_text(encoding="utf-8") if path.exists() else DEFAULT_TEXT
    try:
        return parse(text)
    except PolicyError as exc:
        raise PolicyError(f"政策文件 {path} 格式错误：{exc} / policy.toml is invalid") from exc
