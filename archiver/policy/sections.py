"""The tables of policy.toml as typed, frozen sections, each with the national (or shipped) defaults.

Built only from a file checks.validate has passed, so every value here already has its kind and range: a
reader takes `policy.notice.days` as an int without asking again, and each key has its one reading here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# 新增案件 steps a local rule may require ([cases] required_steps), and those a 停保/调整 may be posted for
STEPS = ("申请", "入户调查", "核对", "民主评议", "公示", "审批", "告知", "首次发放")
DEFAULT_STEPS = ("申请", "入户调查", "公示", "审批")
CHANGE_KINDS = ("停保", "调整")
PAYMENT_STARTS = ("next_month", "same_month")
MODES = ("差额", "分档")
ROUNDINGS = ("元", "角", "分")
ROUND_METHODS = ("四舍五入", "进位", "舍去")
LIVING_TOGETHER, ALL_MEMBERS = "共同生活家庭成员", "全部成员"
DENOMINATORS = (LIVING_TOGETHER, ALL_MEMBERS)
FILE_MODES = ("path", "bytes")  # [cluster] files: how a scan reaches an OCR worker on another machine
KEEP_DAYS_DEFAULT = 7


@dataclass(frozen=True)
class Office:
    name: str = "某某县民政局"
    supervision_phone: str = ""
    superior: str = ""     # 主送机关 of the county's reports (市民政局)
    doc_prefix: str = ""   # 发文字号 prefix, e.g. ×民发
    cc: str = ""           # 抄送
    printer: str = ""      # 印发机关


@dataclass(frozen=True)
class Notice:
    days: int = 7              # the 公示 period: the one key every 公示 length reads (notice_length)
    mask_names: bool = False   # 张*英 on notices
    rounds: int = 1            # full 公示 before the decision (2 where local rules post 两榜)


@dataclass(frozen=True)
class Age:
    adult: int = 18
    male_retire: int = 60
    female_retire: int = 55


@dataclass(frozen=True)
class Cases:
    decision_working_days: int = 30
    decision_working_days_extended: int = 45
    refusal_notice_working_days: int = 3
    payment_start: str = "next_month"
    democratic_review_required: bool = False
    authorization_required: bool = False
    required_steps: tuple[str, ...] = DEFAULT_STEPS
    change_notice_required: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalendarDays:
    years: tuple[int, ...] = ()
    holidays: tuple[dt.date, ...] = ()
    workdays: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class Documents:
    notice_category: bool = False


@dataclass(frozen=True)
class Retention:
    approval_years_after_stop: int = 3
    routine_years: int = 5


@dataclass(frozen=True)
class Basis:
    mode: str = "差额"
    rounding: str = "元"
    round_method: str = "四舍五入"
    elderly_age: int = 60
    addons_stack: bool = False
    income_denominator: str = LIVING_TOGETHER
    # name → ("share", 0.8) of the standard or ("amount", 120.0) 元 per covered person
    tiers: dict[str, tuple[str, float]] = field(default_factory=dict)
    addons: dict[str, tuple[str, float]] = field(default_factory=dict)
    taper_months: int = 0
    taper_shares: tuple[float, ...] = (1.0,)


@dataclass(frozen=True)
class Codes:
    unsigned_until: dt.date | None = None  # the last day unsigned codes are trusted; None: never


@dataclass(frozen=True)
class Objections:
    answer_working_days: int = 15


@dataclass(frozen=True)
class Stops:
    notice_working_days: int = 3
    check_change_lists: bool = False


@dataclass(frozen=True)
class Edge:
    multiple: float = 1.5


@dataclass(frozen=True)
class Cluster:
    """Page reading on Celery workers over Redis (archiver/queue); no broker: the local OCR pool."""

    broker: str = ""  # redis://HOST:6379/0
    files: str = "path"  # path: the same path on shared storage; bytes: the file travels inside the task
    visibility_timeout: int = 3600  # seconds before a task whose worker vanished is delivered again


@dataclass(frozen=True)
class Tasks:
    keep_days: int = KEEP_DAYS_DEFAULT


@dataclass(frozen=True)
class DocumentTypes:
    renamed: dict[str, str] = field(default_factory=dict)  # old name → new name
    added: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()


def table(data: dict, name: str) -> dict:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def share_or_amount(value: object) -> tuple[str, float]:
    """`"80%"` or a number ≤ 1 is a share of the standard; a number above 1 is 元 per person per month."""
    text = str(value).strip()
    if text.endswith("%"):
        return "share", float(text[:-1]) / 100
    number = float(text)
    return ("share", number) if number <= 1 else ("amount", number)


def yearly_standards(data: dict) -> dict[int, dict[str, float]]:
    """`[standards.YEAR]`: the older form, read as from 1 January of the year."""
    return {int(y): {str(k): float(v) for k, v in row.items()} for y, row in table(data, "standards").items()}


def dated_standards(data: dict) -> list[tuple[str, dict[str, float]]]:
    """`[[standard]] from = "2025-07-01"  "城市" = 760 …`: several a year where a county raises mid-year."""
    entries = data.get("standard", [])
    out = [(str(e["from"]), {str(k): float(v) for k, v in e.items() if k != "from"}) for e in entries]
    return sorted(out, key=lambda x: x[0])


def review_months(data: dict) -> dict[str, int]:
    return {str(k): int(v) for k, v in data.get("review_months", {"A": 12, "B": 6, "C": 3}).items()}


def office(data: dict) -> Office:
    t = table(data, "office")
    return Office(str(t.get("name", Office.name)), str(t.get("supervision_phone", "")), str(t.get("superior", "")).strip(),
                  str(t.get("doc_prefix", "")).strip(), str(t.get("cc", "")).strip(), str(t.get("printer", "")).strip())


def notice(data: dict, alias_days: int | None) -> Notice:
    t = table(data, "notice")
    days = t.get("days", alias_days if alias_days is not None else Notice.days)
    return Notice(int(days), bool(t.get("mask_names", False)), int(t.get("rounds", 1)))


def age(data: dict) -> Age:
    t = table(data, "age")
    return Age(int(t.get("adult", 18)), int(t.get("male_retire", 60)), int(t.get("female_retire", 55)))


def cases(data: dict) -> Cases:
    t = table(data, "cases")
    d = Cases()
    return Cases(int(t.get("decision_working_days", d.decision_working_days)),
                 int(t.get("decision_working_days_extended", d.decision_working_days_extended)),
                 int(t.get("refusal_notice_working_days", d.refusal_notice_working_days)),
                 str(t.get("payment_start", d.payment_start)), bool(t.get("democratic_review_required", False)),
                 bool(t.get("authorization_required", False)),
                 tuple(str(s) for s in t.get("required_steps", DEFAULT_STEPS)),
                 tuple(str(s) for s in t.get("change_notice_required", ())))


def documents(data: dict) -> Documents:
    return Documents(bool(table(data, "documents").get("notice_category", False)))


def objections(data: dict) -> Objections:
    return Objections(int(table(data, "objections").get("answer_working_days", 15)))


def stops(data: dict) -> Stops:
    t = table(data, "stops")
    return Stops(int(t.get("notice_working_days", 3)), bool(t.get("check_change_lists", False)))


def edge(data: dict) -> Edge:
    return Edge(float(table(data, "edge").get("multiple", 1.5)))


def cluster(data: dict) -> Cluster:
    t = table(data, "cluster")
    return Cluster(str(t.get("broker", "")), str(t.get("files", "path")), int(t.get("visibility_timeout", 3600)))


def tasks(data: dict) -> Tasks:
    return Tasks(int(table(data, "tasks").get("keep_days", KEEP_DAYS_DEFAULT)))


def calendar(data: dict) -> CalendarDays:
    t = table(data, "calendar")
    return CalendarDays(tuple(int(y) for y in t.get("years", [])), tuple(_date(v) for v in t.get("holidays", [])),
                        tuple(_date(v) for v in t.get("workdays", [])))


def retention(data: dict) -> Retention:
    t = table(data, "retention")
    return Retention(int(t.get("approval_years_after_stop", 3)), int(t.get("routine_years", 5)))


def basis(data: dict) -> Basis:
    t = table(data, "basis")
    taper = table(t, "taper")
    return Basis(str(t.get("mode", "差额")), str(t.get("rounding", "元")), str(t.get("round_method", "四舍五入")),
                 int(t.get("elderly_age", 60)), bool(t.get("addons_stack", False)),
                 str(t.get("income_denominator", LIVING_TOGETHER)),
                 {str(k): share_or_amount(v) for k, v in table(t, "tiers").items()},
                 {str(k): share_or_amount(v) for k, v in table(t, "addons").items()},
                 int(taper.get("months", 0)), tuple(float(x) for x in taper.get("shares", [1.0])) or (1.0,))


def codes(data: dict) -> Codes:
    value = table(data, "codes").get("unsigned_until")
    return Codes(None if value in (None, "") else _date(value))


def document_types(data: dict) -> DocumentTypes:
    t = table(data, "document_types")
    return DocumentTypes({str(k): str(v) for k, v in table(t, "renamed").items()},
                         tuple(str(x) for x in t.get("added", []) or []), tuple(str(x) for x in t.get("retired", []) or []))


def names(data: dict, name: str) -> dict[str, str]:
    """A table of township (or area) → text: `[issuers]`, `[phones]` (an empty value: the county's own)."""
    return {str(k): str(v) for k, v in table(data, name).items()}


def population(data: dict) -> dict[str, int]:
    return {str(k): int(v) for k, v in table(data, "population").items() if v}


def columns(data: dict) -> dict[str, tuple[str, ...]]:
    """`[columns]`: field → the office's extra column names (rosters.from_policy reads it)."""
    return {str(k): (v,) if isinstance(v, str) else tuple(str(x) for x in v) for k, v in table(data, "columns").items()}


def layouts(data: dict) -> dict[str, dict[str, str]]:
    """`[layouts]`: header signature → {field: column label}, as a person confirmed them."""
    out: dict[str, dict[str, str]] = {}
    for sig, entry in table(data, "layouts").items():
        cols = entry.get("columns") if isinstance(entry, dict) else None
        if isinstance(cols, dict):
            out[str(sig)] = {str(f): str(c) for f, c in cols.items()}
    return out
