"""Local policy (HOME/policy.toml): standards, review intervals, notice days, office name.

Offices differ, so every rule that varies by county is read from here rather than coded.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
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


BACKENDS = ("tantivy", "whoosh")


@dataclass(frozen=True)
class Rule:
    """What one policy value must be: its kind (int, num, str, bool, choice, date, strs, dates, ints, share,
    nums) and, for numbers, the sane range (a value outside it is a typo or an attack: `days = 99999999`)."""

    kind: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    def problem(self, value: object) -> str | None:
        """Why `value` does not fit, as "应为… / must be …", or None."""
        k = self.kind
        if k in ("int", "num"):
            number = isinstance(value, int) if k == "int" else isinstance(value, int | float)
            if not number or isinstance(value, bool) or (isinstance(value, float) and value != value):
                return "应为整数 / must be an integer" if k == "int" else "应为数字 / must be a number"
            assert isinstance(value, int | float)
            if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
                return f"应在{_n(self.low)}到{_n(self.high)}之间 / must be from {_n(self.low)} to {_n(self.high)}"
            return None
        if k == "str":
            if not isinstance(value, str):
                return "应为文字（加英文双引号） / must be a string"
            return "太长（不超过200字） / too long" if len(value) > 200 else None
        if k == "bool":
            return None if isinstance(value, bool) else "应为 true 或 false / must be true or false"
        if k == "choice":
            return None if value in self.choices else f"应为 {' 或 '.join(self.choices)} / must be {' or '.join(self.choices)}"
        if k == "date":
            return None if _is_date(value) else "应为日期 YYYY-MM-DD（加英文双引号） / must be a date YYYY-MM-DD"
        if k == "share":  # an amount in 元, or a share of the standard: "80%" or a number ≤ 1
            text = str(value).strip()
            try:
                amount = float(text[:-1]) / 100 if text.endswith("%") else float(text)
            except ValueError:
                amount = -1.0
            ok = not isinstance(value, bool) and 0 <= amount <= 100_000
            return None if ok else "应为金额或比例（如 120 或 \"80%\"） / must be an amount or a share"
        if k == "names" and isinstance(value, str):  # [columns]: one extra name, or a list of them
            return None
        if k == "names" and not isinstance(value, list):
            return "应为列名或列名列表，如 [\"名字\", \"姓名\"] / must be a column name or a list of them"
        if not isinstance(value, list) or len(value) > 1000:  # strs, names, dates, ints, nums
            return "应为列表，如 [\"…\", \"…\"] / must be a list"
        item = {"strs": Rule("str"), "names": Rule("str"), "dates": Rule("date"), "ints": Rule("int", self.low, self.high),
                "nums": Rule("num", self.low, self.high)}[k]
        for x in value:
            why = item.problem(x)
            if why:
                return f"列表中的 {x!r} {why}"
        return None


def _n(x: float | None) -> str:
    return "" if x is None else str(int(x)) if x == int(x) else str(x)


def _is_date(value: object) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str | dt.date) and 1900 <= dt.date.fromisoformat(str(value)).year <= 2200


YEAR = Rule("int", 1990, 2100)
DAYS = Rule("int", 1, 365)
YUAN = Rule("num", 0, 100_000)  # 元/人/月: a standard, an add-on
# (table, key) → its rule; key "*" is every key of the table (a table of names, years, categories…).
RULES: dict[tuple[str, str], Rule] = {
    ("office", "name"): Rule("str"), ("office", "supervision_phone"): Rule("str"),
    ("standards.*", "*"): YUAN,
    ("review_months", "*"): Rule("int", 1, 60),
    ("notice", "days"): DAYS, ("notice", "mask_names"): Rule("bool"), ("notice", "rounds"): Rule("int", 1, 10),
    ("age", "adult"): Rule("int", 14, 25), ("age", "male_retire"): Rule("int", 40, 80),
    ("age", "female_retire"): Rule("int", 40, 80),
    ("completeness", "*"): Rule("strs"),
    ("search", "backend"): Rule("choice", choices=BACKENDS),
    ("cases", "decision_working_days"): DAYS, ("cases", "decision_working_days_extended"): DAYS,
    ("cases", "notice_days"): DAYS, ("cases", "refusal_notice_working_days"): DAYS,
    ("cases", "payment_start"): Rule("choice", choices=("next_month", "same_month")),
    ("cases", "democratic_review_required"): Rule("bool"), ("cases", "required_steps"): Rule("strs"),
    ("calendar", "years"): Rule("ints", 1990, 2100), ("calendar", "holidays"): Rule("dates"),
    ("calendar", "workdays"): Rule("dates"),
    ("issuers", "*"): Rule("str"),
    ("population", "*"): Rule("int", 1, 2_000_000_000),
    ("documents", "notice_category"): Rule("bool"),
    ("retention", "approval_years_after_stop"): Rule("int", 1, 100), ("retention", "routine_years"): Rule("int", 1, 100),
    ("columns", "*"): Rule("names"),
    ("standard", "from"): Rule("date"), ("standard", "*"): YUAN,
    ("basis", "mode"): Rule("choice", choices=("差额", "分档")),
    ("basis", "rounding"): Rule("choice", choices=("元", "角", "分")),
    ("basis", "round_method"): Rule("choice", choices=("四舍五入", "进位", "舍去")),
    ("basis", "elderly_age"): Rule("int", 40, 100), ("basis", "addons_stack"): Rule("bool"),
    ("basis.tiers", "*"): Rule("share"), ("basis.addons", "*"): Rule("share"),
    ("basis.taper", "months"): Rule("int", 0, 60), ("basis.taper", "shares"): Rule("nums", 0, 1),
}
SUBTABLES = {"basis": ("tiers", "addons", "taper")}  # tables inside a table, checked as tables of their own


def line_of(text: str, table: str, key: str, occurrence: int = 1) -> int | None:
    """The line (1-based) where `key` is set inside `[table]` (the `occurrence`-th `[[table]]` of an array),
    for messages that point at it."""
    current, seen = "", 0
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.split("#", 1)[0].strip() if not line.strip().startswith('"') else line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped.strip("[] ").replace('"', "")
            if current == table:
                seen += 1
        elif current == table and seen >= occurrence and stripped.split("=")[0].strip().strip('"') == key:
            return n
    return None


def validate(text: str, data: dict) -> None:
    """Every known table and key is checked against RULES: a value of the wrong kind or out of its sane range
    raises PolicyError naming the line, table, key and why (Chinese first), before any command uses it."""
    problems = []

    def bad(table: str, key: str, why: str, value: object, occurrence: int = 1) -> None:
        n = line_of(text, table, key, occurrence)
        where, en = (f"第{n}行 ", f"line {n}: ") if n else ("", "")
        cn, _, english = why.partition(" / ")
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        problems.append(f"{where}[{table}] {key} = {shown}：{cn} / {en}[{table}] {key} {english}".rstrip())

    def check(table: str, pattern: str, section: object, occurrence: int = 1) -> None:
        if not isinstance(section, dict):
            bad(table, "", "应为表 / must be a table", section, occurrence)
            return
        keyed = {k: r for (t, k), r in RULES.items() if t == pattern}
        for key, value in section.items():
            if key in SUBTABLES.get(table, ()):
                check(f"{table}.{key}", f"{table}.{key}", value)
                continue
            rule = keyed.get(key) or keyed.get("*")
            why = rule.problem(value) if rule else None
            if why:
                bad(table, key, why, value, occurrence)

    for table, section in data.items():
        if table == "standards":
            if not isinstance(section, dict):
                bad(table, "", "应为表 / must be a table", section)
                continue
            for year, row in section.items():
                if not str(year).isdigit() or YEAR.problem(int(year)):
                    bad("standards", str(year), "应为1990到2100之间的年份，下接一张表 / must be a year with a table", row)
                else:
                    check(f"standards.{year}", "standards.*", row)
        elif table == "standard":
            if not isinstance(section, list):
                bad(table, "", "应为数组表 [[standard]]（每条有 from 和 城市/农村）/ must be an array of tables", section)
                continue
            for i, entry in enumerate(section, 1):
                check(table, table, entry, i)
                if isinstance(entry, dict) and "from" not in entry:
                    bad(table, "from", f"第{i}条缺少 from（起始日期 YYYY-MM-DD） / entry {i} has no from date", None, i)
        elif any(t == table for t, _ in RULES):
            check(table, table, section)
            if table == "columns" and isinstance(section, dict):
                _check_columns(section, bad)
    if problems:
        raise PolicyError("；".join(problems))


def _check_columns(section: dict, bad: Callable[[str, str, str, object], None]) -> None:
    """`[columns]` keys are dibao's fields (or their Chinese labels): an unknown one is refused at load."""
    from archiver.rosters.synonyms import FIELD_LABELS, SYNONYMS, normalise_header

    labels = {normalise_header(label) for label in FIELD_LABELS.values()}
    for key, value in section.items():
        if key not in SYNONYMS and normalise_header(key) not in labels:
            bad("columns", key, f"字段「{key}」不存在，可用字段见 docs/import.md / unknown field", value)


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
