"""Local rules the documents read from HOME/policy.toml: who signs a village's notice, the population a
coverage rate is taken over, optional notice columns, and the 低保标准 in force with its rises.

Each reads the typed Policy (archiver/policy); the rule that combines a value with its fallback lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .policy import Policy

AREA_TYPES = ("城市", "农村")


def issuer(policy: Policy, township: str | None) -> str:
    """The office that posts a notice: `[issuers]` by township (乡镇人民政府 / 街道办事处), else the county office."""
    if township and policy.issuers.get(township):
        return policy.issuers[township]
    from archiver.placeholders import text_or_prompt  # a default name is never printed as the office's own

    return text_or_prompt(policy.office.name, policy, "office.name")


def has_own_phone(policy: Policy, township: str | None) -> bool:
    """Whether the township's administrator set its own 监督电话 (`[phones]`)."""
    return bool(township and policy.phones.get(township))


def phone(policy: Policy, township: str | None) -> str:
    """The 监督电话 a notice prints: the township's own (`[phones]`, set by its administrator), else the office's."""
    if township and policy.phones.get(township):
        return policy.phones[township]
    return policy.office.supervision_phone


def population(policy: Policy, scope: str | None) -> int | None:
    """户籍人口 of the scope (`[population]`: "全县" or an area name = persons), None when not stated."""
    return policy.population.get(scope or "全县")


def notice_category_column(policy: Policy) -> bool:
    """Whether the local rule puts the household's 分类 (A/B/C) on notices."""
    return policy.documents.notice_category


@dataclass(frozen=True)
class Standard:
    """A 低保标准 (元/人/月) for 城市 and 农村 from a date on."""

    start: str  # YYYY-MM-DD
    amounts: dict[str, float]


def standards(policy: Policy) -> list[Standard]:
    """Every standard in date order (Policy.standard_table, the one reading of policy.toml), 城市/农村 only."""
    return [Standard(start, {k: float(v) for k, v in row.items() if k in AREA_TYPES})
            for start, row in policy.standard_table()]


@dataclass(frozen=True)
class Rise:
    start: str
    area_type: str
    old: float
    new: float


def standards_of_year(policy: Policy, year: int) -> tuple[dict[str, float], list[Rise]]:
    """The standard in force on 31 Dec of `year` per area type, and each change that took effect in the year."""
    end, first = f"{year}-12-31", f"{year}-01-01"
    in_force: dict[str, float] = {}
    rises: list[Rise] = []
    for s in standards(policy):
        if s.start > end:
            break
        for kind, amount in s.amounts.items():
            old = in_force.get(kind)
            if s.start >= first and old is not None and old != amount:
                rises.append(Rise(s.start, kind, old, amount))
            in_force[kind] = amount
    return in_force, rises


def retention_years(policy: Policy) -> tuple[int, int]:
    """(approval files: years after benefits stop, routine files: years) — `[retention]`, default 3 and 5."""
    return policy.retention.approval_years_after_stop, policy.retention.routine_years
