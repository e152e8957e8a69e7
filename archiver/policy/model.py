"""The Policy object: every table of policy.toml as a typed section, built once at load after validation.

Callers read `policy.notice.days`, `policy.basis.mode`, `policy.codes.unsigned_until` …, never the parsed
dict, so a key has one reading (sections.py) and one check (checks.py).
"""

from __future__ import annotations

import logging
import sys
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import sections as s
from .checks import PolicyError, line_of, validate

log = logging.getLogger("dibao.policy")

DEFAULT_REQUIRED = {"在保": ["申请书", "入户调查表", "民主评议记录", "公示记录", "审批表", "授权书|承诺书", "身份证|户口簿"]}
# the lists dibao has shipped: a home whose [completeness] is still one of them gets the default, read
# against its own [cases] (a list the office wrote itself is used as written)
_SHIPPED_LISTS = ([*DEFAULT_REQUIRED["在保"]], ["申请书", "入户调查表", "民主评议记录", "审批表", "身份证|户口簿"])
DEFAULT_TEXT = resources.files("archiver").joinpath("policy_default.toml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Policy:
    office: s.Office = field(default_factory=s.Office)
    standards: dict[int, dict[str, float]] = field(default_factory=dict)  # [standards.YEAR]
    # [[standard]] entries: (from YYYY-MM-DD, {城市/农村: 元}), sorted; empty → the [standards.YEAR] tables
    dated_standards: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    review_months: dict[str, int] = field(default_factory=lambda: {"A": 12, "B": 6, "C": 3})
    notice: s.Notice = field(default_factory=s.Notice)
    age: s.Age = field(default_factory=s.Age)
    required_documents: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_REQUIRED))  # [completeness]
    cases: s.Cases = field(default_factory=s.Cases)
    calendar: s.CalendarDays = field(default_factory=s.CalendarDays)
    issuers: dict[str, str] = field(default_factory=dict)     # township → the office that posts its notices
    phones: dict[str, str] = field(default_factory=dict)      # township → its own 监督电话
    population: dict[str, int] = field(default_factory=dict)  # "全县" or an area → 户籍人口
    documents: s.Documents = field(default_factory=s.Documents)
    retention: s.Retention = field(default_factory=s.Retention)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # [columns]: field → extra column name(s)
    layouts: dict[str, dict[str, str]] = field(default_factory=dict)  # [layouts]: confirmed header mappings
    basis: s.Basis = field(default_factory=s.Basis)
    codes: s.Codes = field(default_factory=s.Codes)
    objections: s.Objections = field(default_factory=s.Objections)
    stops: s.Stops = field(default_factory=s.Stops)
    edge: s.Edge = field(default_factory=s.Edge)
    tasks: s.Tasks = field(default_factory=s.Tasks)
    cluster: s.Cluster = field(default_factory=s.Cluster)
    document_types: s.DocumentTypes = field(default_factory=s.DocumentTypes)
    given: frozenset[tuple[str, ...]] = frozenset()  # (table,) and (table, key) the file itself sets
    notes: tuple[str, ...] = ()  # what load() warns about once (a deprecated key read as its successor)

    def sets(self, *path: str) -> bool:
        """Whether the file itself sets this table or key (the settings page shows "policy.toml" or "默认")."""
        return tuple(path) in self.given

    def standard(self, year: int, area_type: str) -> float | None:
        """The standard in force at the end of `year` (the figure a year's documents quote)."""
        return self.standard_on(f"{year}-12-31", area_type)

    def standard_table(self) -> list[tuple[str, dict[str, float]]]:
        """Every standard as (from YYYY-MM-DD, {城市/农村: 元}) in date order: the `[[standard]]` entries when
        there are any, else the older `[standards.YEAR]` tables read as from 1 January."""
        return self.dated_standards or sorted((f"{y:04d}-01-01", row) for y, row in self.standards.items())

    def standard_on(self, day: str, area_type: str) -> float | None:
        """The 低保标准 (元/人/月) in force on `day`: the latest entry from on or before it, else the earliest."""
        table = self.standard_table()
        if not table:
            return None
        before = [row for start, row in table if start <= day]
        return (before[-1] if before else table[0][1]).get(area_type)


def notice_length(policy: Policy) -> int:
    """The 公示 period in days (`[notice] days`): the one reading every 公示 length check and document uses."""
    return policy.notice.days


def parse(text: str) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"不是有效的TOML：{exc} / not valid TOML: {exc}") from exc
    validate(text, data)
    alias, notes = _notice_alias(text, data)
    cases = s.cases(data)
    return Policy(
        office=s.office(data), standards=s.yearly_standards(data), dated_standards=s.dated_standards(data),
        review_months=s.review_months(data), notice=s.notice(data, alias), age=s.age(data),
        required_documents=_required_documents(data, cases), cases=cases, calendar=s.calendar(data),
        issuers=s.names(data, "issuers"), phones=s.names(data, "phones"), population=s.population(data),
        documents=s.documents(data), retention=s.retention(data), columns=s.columns(data), layouts=s.layouts(data),
        basis=s.basis(data), codes=s.codes(data), objections=s.objections(data), stops=s.stops(data),
        edge=s.edge(data), tasks=s.tasks(data), cluster=s.cluster(data), document_types=s.document_types(data),
        given=frozenset([(t,) for t in data] + [(t, str(k)) for t, v in data.items() if isinstance(v, dict) for k in v]),
        notes=notes,
    )


def _notice_alias(text: str, data: dict) -> tuple[int | None, tuple[str, ...]]:
    """`[cases] notice_days`, the old second key for the 公示 period: read as `[notice] days` where that is not
    set; where both are set and differ, `[notice] days` counts. Either way staff are told (once)."""
    cases = s.table(data, "cases")
    if "notice_days" not in cases:
        return None, ()
    alias = int(cases["notice_days"])
    n = line_of(text, "cases", "notice_days")
    where = f"第{n}行 " if n else ""
    notice = s.table(data, "notice")
    if "days" not in notice:
        return alias, (f"注意：policy.toml {where}[cases] notice_days 已停用，公示天数请写在 [notice] days；本次按 {alias} 天计算"
                       f" / [cases] notice_days is deprecated, use [notice] days",)
    if int(notice["days"]) != alias:
        return None, (f"注意：policy.toml {where}[cases] notice_days = {alias} 已停用，与 [notice] days = {notice['days']}"
                      f" 不同，按 [notice] days 计算；请删除该行 / [cases] notice_days is deprecated and ignored",)
    return None, ()


def _required_documents(data: dict, cases: s.Cases) -> dict[str, list[str]]:
    """[completeness] by status. The shipped default follows the [cases] rules beside it: 民主评议记录 only
    where `democratic_review_required`, 公示记录 where 公示 is a required step, a separate 授权书/承诺书 (核对
    授权) where `authorization_required` (dibao's own 申请书 carries the 授权 sentence, so off by default)."""
    out = {}
    for status, items in data.get("completeness", DEFAULT_REQUIRED).items():
        names = [str(x) for x in items]
        if names in _SHIPPED_LISTS:
            drop = set()
            if not cases.democratic_review_required:
                drop.add("民主评议记录")
            if "公示" not in cases.required_steps:
                drop.add("公示记录")
            if not cases.authorization_required:
                drop.add("授权书|承诺书")
            names = [n for n in DEFAULT_REQUIRED["在保"] if n not in drop]
        out[str(status)] = names
    return out


_warned: set[tuple[str, str]] = set()


def load(home: Path) -> Policy:
    """The home's policy, or the defaults when the office has not written one."""
    path = home / "policy.toml"
    text = path.read_text(encoding="utf-8") if path.exists() else DEFAULT_TEXT
    try:
        policy = parse(text)
    except PolicyError as exc:
        raise PolicyError(f"政策文件 {path} 格式错误：{exc} / policy.toml is invalid") from exc
    for note in policy.notes:
        if (str(path), note) not in _warned:  # once per home and process: policy is loaded by many steps
            _warned.add((str(path), note))
            print(note, file=sys.stderr)
            if logging.getLogger("dibao").handlers:  # the CLI's log file (without one, stderr alone)
                log.warning("%s", note)
    return policy
