"""Local policy (HOME/policy.toml): standards, review intervals, notice days, office name.

Offices differ, so every rule that varies by county is read from here rather than coded.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

DEFAULT_REQUIRED = {"在保": ["申请书", "入户调查表", "民主评议记录", "审批表", "身份证|户口簿"]}
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
    search_backend: str = "whoosh"
    required_documents: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_REQUIRED))
    raw: dict = field(default_factory=dict)
    # [[standard]] entries: (from YYYY-MM-DD, {城市/农村: 元}), sorted; empty → the [standards.YEAR] tables
    dated_standards: list[tuple[str, dict[str, float]]] = field(default_factory=list)

    def standard(self, year: int, area_type: str) -> float | None:
        """The standard in force at the end of `year` (the figure a year's documents quote)."""
        return self.standard_on(f"{year}-12-31", area_type)

    def standard_on(self, day: str, area_type: str) -> float | None:
        """The 低保标准 (元/人/月) in force on `day`: the latest entry from on or before it, else the earliest."""
        table = self.dated_standards or sorted((f"{y:04d}-01-01", row) for y, row in self.standards.items())
        if not table:
            return None
        before = [row for start, row in table if start <= day]
        return (before[-1] if before else table[0][1]).get(area_type)


def parse(text: str) -> Policy:
    data = tomllib.loads(text)
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
        search_backend=str(data.get("search", {}).get("backend", "whoosh")),
        required_documents={str(k): [str(x) for x in v] for k, v in data.get("completeness", DEFAULT_REQUIRED).items()},
        raw=data,
        dated_standards=_dated_standards(data.get("standard", [])),
    )


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
    except (tomllib.TOMLDecodeError, ValueError, TypeError) as exc:
        raise ValueError(f"政策文件 {path} 格式错误：{exc} / policy.toml is invalid") from exc
