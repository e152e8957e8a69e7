"""What each policy.toml value must be, checked at load: a wrong kind or an out-of-range value is refused
with the line, table and key (Chinese first), so no command meets it later as an internal error.

Every table the sections read has its rules here (RULES, plus the shaped tables: [[standard]], [layouts]).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from archiver.errors import UserError

from .sections import (
    CHANGE_KINDS,
    DENOMINATORS,
    FILE_MODES,
    MODES,
    PAYMENT_STARTS,
    ROUND_METHODS,
    ROUNDINGS,
    STEPS,
)


class PolicyError(UserError, ValueError):
    """policy.toml is not valid TOML, or a known key has a value of the wrong kind (names key and line)."""


@dataclass(frozen=True)
class Rule:
    """What one policy value must be: its kind (int, num, str, bool, choice, date, optdate, strs, dates, ints,
    share, nums, picks: a list of choices) and, for numbers, the sane range (a value outside it is a typo or an attack: `days = 99999999`)."""

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
        if k == "optdate" and value == "":  # empty: not set
            return None
        if k in ("date", "optdate"):
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
                "nums": Rule("num", self.low, self.high), "picks": Rule("choice", choices=self.choices)}[k]
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
    ("office", "name"): Rule("str"), ("office", "supervision_phone"): Rule("str"), ("office", "superior"): Rule("str"),
    ("office", "doc_prefix"): Rule("str"), ("office", "cc"): Rule("str"), ("office", "printer"): Rule("str"),
    ("standards.*", "*"): YUAN,
    ("review_months", "*"): Rule("int", 1, 60),
    ("notice", "days"): DAYS, ("notice", "mask_names"): Rule("bool"), ("notice", "rounds"): Rule("int", 1, 10),
    ("age", "adult"): Rule("int", 14, 25), ("age", "male_retire"): Rule("int", 40, 80),
    ("age", "female_retire"): Rule("int", 40, 80),
    ("completeness", "*"): Rule("strs"),
    ("cases", "decision_working_days"): DAYS, ("cases", "decision_working_days_extended"): DAYS,
    ("cases", "notice_days"): DAYS, ("cases", "refusal_notice_working_days"): DAYS,
    ("cases", "payment_start"): Rule("choice", choices=PAYMENT_STARTS),
    ("cases", "democratic_review_required"): Rule("bool"), ("cases", "authorization_required"): Rule("bool"),
    ("cases", "required_steps"): Rule("picks", choices=STEPS),
    ("cases", "change_notice_required"): Rule("picks", choices=CHANGE_KINDS),
    ("calendar", "years"): Rule("ints", 1990, 2100), ("calendar", "holidays"): Rule("dates"),
    ("calendar", "workdays"): Rule("dates"),
    ("issuers", "*"): Rule("str"), ("phones", "*"): Rule("str"),
    ("population", "*"): Rule("int", 1, 2_000_000_000),
    ("documents", "notice_category"): Rule("bool"),
    ("retention", "approval_years_after_stop"): Rule("int", 1, 100), ("retention", "routine_years"): Rule("int", 1, 100),
    ("columns", "*"): Rule("names"),
    ("standard", "from"): Rule("date"), ("standard", "*"): YUAN,
    ("basis", "mode"): Rule("choice", choices=MODES), ("basis", "rounding"): Rule("choice", choices=ROUNDINGS),
    ("basis", "round_method"): Rule("choice", choices=ROUND_METHODS),
    ("basis", "income_denominator"): Rule("choice", choices=DENOMINATORS),
    ("basis", "elderly_age"): Rule("int", 40, 100), ("basis", "addons_stack"): Rule("bool"),
    ("basis.tiers", "*"): Rule("share"), ("basis.addons", "*"): Rule("share"),
    ("basis.taper", "months"): Rule("int", 0, 60), ("basis.taper", "shares"): Rule("nums", 0, 1),
    ("codes", "unsigned_until"): Rule("optdate"),
    ("objections", "answer_working_days"): DAYS,
    ("stops", "notice_working_days"): DAYS, ("stops", "check_change_lists"): Rule("bool"),
    ("edge", "multiple"): Rule("num", 1, 10),
    ("tasks", "keep_days"): Rule("int", 1, 3650),
    ("cluster", "broker"): Rule("str"), ("cluster", "files"): Rule("choice", choices=FILE_MODES),
    ("cluster", "visibility_timeout"): Rule("int", 10, 7 * 86400),
    ("document_types", "added"): Rule("strs"), ("document_types", "retired"): Rule("strs"),
    ("document_types.renamed", "*"): Rule("str"),
}
SUBTABLES = {"basis": ("tiers", "addons", "taper"), "document_types": ("renamed",)}  # tables inside a table, checked as tables of their own


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
        elif table == "layouts":
            _check_layouts(section, bad)
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




def _check_layouts(section: object, bad: Callable[..., None]) -> None:
    """`[layouts."signature"] columns = {field = "column label", …}`: confirmed header mappings."""
    if not isinstance(section, dict):
        bad("layouts", "", "应为表 / must be a table", section)
        return
    for sig, entry in section.items():
        cols = entry.get("columns") if isinstance(entry, dict) else None
        if not isinstance(cols, dict) or not all(isinstance(c, str) for c in cols.values()):
            bad(f"layouts.{sig}", "columns", "应为“字段 = 列名”的表 / must map fields to column labels", cols)
