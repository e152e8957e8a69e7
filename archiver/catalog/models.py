"""Records the catalog stores and hands out. One place for every model the packages share."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class _derived(Generic[T]):
    """A value computed from a record's facts on first read and kept in the instance (functools.cached_property
    without the lock Python 3.11 takes on each first read: 100,000 households read several of these each)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, cls: type | None = None) -> _derived[T]: ...
    @overload
    def __get__(self, obj: object, cls: type | None = None) -> T: ...

    def __get__(self, obj: object | None, cls: type | None = None) -> T | _derived[T]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value

STATUS_ACTIVE = "在保"
STATUS_STOPPED = "停保"
STATUS_UNKNOWN = "待核实"
START_KINDS = ("新增", "恢复")
STOP_KINDS = ("停保", "退出", "注销")
EVENT_KINDS = ("新增", "停保", "调增", "调减", "复核", "成员变更", "恢复", "退出")


@dataclass
class Member:
    name: str
    id_number: str
    relation: str = ""
    sex: str = ""
    birth_date: str | None = None
    disability: str = ""
    health: str = ""
    identity: str = ""
    cadre_relative: bool = False
    added_on: str | None = None
    removed_on: str | None = None
    id_original: str | None = None  # an old 15-digit number as printed, when id_number holds its 18-digit form
    no_id_reason: str | None = None  # 无户口, 未落户 …: id_number is then "" and never matched
    covered: bool = True  # 纳入保障; a member who is not (服刑, 已就业有稳定收入 …) is not counted or paid
    covered_reason: str = ""

    def present_on(self, day: str) -> bool:
        return (self.added_on is None or self.added_on <= day) and (self.removed_on is None or self.removed_on > day)


@dataclass
class Event:
    date: str
    kind: str
    old_amount: float | None = None
    new_amount: float | None = None
    old_persons: int | None = None
    new_persons: int | None = None
    reason: str = ""
    source: str = ""
    source_row: int | None = None
    effective_month: str | None = None  # YYYY-MM the change takes effect (执行月份); date is the decision date


@dataclass
class Snapshot:
    date: str
    persons: int | None
    amount: float | None


@dataclass
class Payment:
    period_start: str  # YYYY-MM
    period_end: str
    amount: float
    persons: int | None = None
    bank_account: str = ""
    township: str = ""
    village: str = ""
    account_holder: str = ""  # the name the account is held in, where the sheet gives one (领款人/户名)

    def months(self) -> list[str]:
        """Every month the payment covers, so quarterly and monthly sheets add up the same way."""
        return list(_months(self.period_start, self.period_end))


@functools.lru_cache(maxsize=1024)
def _months(period_start: str, period_end: str) -> tuple[str, ...]:
    """Payment.months, cached: a county's rows share a handful of periods."""
    y, m = map(int, period_start.split("-"))
    ey, em = map(int, period_end.split("-"))
    out = []
    while (y, m) <= (ey, em):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


@dataclass
class Income:
    """A household's monthly income as a roster, an export or staff stated it, in force from `date`."""

    date: str
    monthly_total: float | None = None
    per_capita: float | None = None
    persons: int | None = None
    source: str = ""


@dataclass
class Document:
    document_id: int
    type: str
    date: str | None
    source_name: str
    sha256: str
    path: str
    page_count: int = 1
    pages: str | None = None
    note: str = ""


@dataclass
class Household:
    """A household with everything the generators need to compute figures for any date."""

    id: int
    household_no: str | None
    township: str
    village: str
    area_type: str
    category: str | None
    status: str
    monthly_amount: float | None
    persons: int | None
    approved_on: str | None
    address: str = ""
    phone: str = ""
    head_name: str = ""
    head_id_number: str = ""
    bank_account: str = ""
    note: str = ""
    benefit_tier: str | None = None  # 分档 tier (一类/二类/三类), not the A/B/C review class
    aid_categories: str = ""  # 分类施保 categories a roster states, comma-joined
    members: list[Member] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    incomes: list[Income] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The household number shown to people; a provisional one until a roster gives the real one."""
        return self.household_no or provisional_key(self.id)

    def _status_list(self, paid: bool) -> list[tuple[str, int]]:
        """(date, 1 start / 0 stop), sorted; on the same day a stop sorts before a start. `paid`: changes
        count from the month they take effect (执行月份) instead of their decision date."""
        when = _effective_day if paid else _decision_day
        facts: list[tuple[str, int]] = []
        if self.approved_on:
            starts = {e.date: when(e) for e in self.events if e.kind in START_KINDS}
            facts.append((starts.get(self.approved_on, self.approved_on), 1))
        for e in self.events:
            if e.kind in START_KINDS:
                facts.append((when(e), 1))
            elif e.kind in STOP_KINDS:
                facts.append((when(e), 0))
        if not any(v for _, v in facts):
            if self.snapshots:
                facts.append((min(s.date for s in self.snapshots), 1))
            elif facts:  # only a 停保 is known: the household was in 保 before it, since before our records
                facts.append(("0000-01-01", 1))
        return sorted(facts)

    @_derived
    def _status_facts(self) -> list[tuple[str, int]]:
        return self._status_list(paid=False)

    @_derived
    def _paid_status_facts(self) -> list[tuple[str, int]]:
        return self._status_list(paid=True) if self._effective_months else self._status_facts

    @_derived
    def _effective_months(self) -> bool:
        """Whether any change states its 执行月份 (else the paid facts are the decision facts)."""
        return any(e.effective_month for e in self.events)

    def in_care_on(self, day: str) -> bool:
        """在保 on `day`: the latest start/stop fact on or before it is a start (approval or 新增);
        when a start and a stop share that date, the stop wins."""
        return _in_care(self._status_facts, day)

    def due_on(self, day: str) -> bool:
        """Owed a payment on `day`: as in_care_on, but each change counts from its effective month."""
        return _in_care(self._paid_status_facts, day)

    def _figure_list(self, paid: bool) -> list[tuple[str, int, int | None, float | None]]:
        when = _effective_day if paid else _decision_day
        facts: list[tuple[str, int, int | None, float | None]] = [(s.date, 0, s.persons, s.amount) for s in self.snapshots]
        facts += [(when(e), 1, e.new_persons, e.new_amount) for e in self.events
                  if e.kind not in STOP_KINDS and (e.new_persons is not None or e.new_amount is not None)]
        facts.sort(key=lambda f: (f[0], f[1]))
        # running values, so a lookup is one bisect
        out = []
        persons: int | None = None
        amount: float | None = None
        for d, k, p, a in facts:
            persons = p if p is not None else persons
            amount = a if a is not None else amount
            out.append((d, k, persons, amount))
        return out

    @_derived
    def _figure_facts(self) -> list[tuple[str, int, int | None, float | None]]:
        return self._figure_list(paid=False)

    @_derived
    def _paid_figure_facts(self) -> list[tuple[str, int, int | None, float | None]]:
        return self._figure_list(paid=True) if self._effective_months else self._figure_facts

    def due_amount_on(self, day: str) -> float | None:
        """The monthly amount owed on `day`: the latest roster or change in effect by then (执行月份)."""
        facts = self._paid_figure_facts
        i = bisect.bisect_right(facts, (day, 2))
        return facts[i - 1][3] if i else self.monthly_amount

    def figures_on(self, day: str) -> tuple[int | None, float | None]:
        """(persons, monthly amount) in force on `day` from the latest roster or change on or before it."""
        facts = self._figure_facts
        i = bisect.bisect_right(facts, (day, 2))
        if i == 0:
            return self.persons, self.monthly_amount
        return facts[i - 1][2], facts[i - 1][3]

    @_derived
    def _fact_days(self) -> list[str]:
        """Every day on which an answer of this record may change: status and figure facts (decision and
        effective days), members joining or leaving, income statements."""
        days = [d for d, _ in self._status_facts]
        days += [f[0] for f in self._figure_facts]
        if self._effective_months:
            days += [d for d, _ in self._paid_status_facts]
            days += [f[0] for f in self._paid_figure_facts]
        days += [d for e in self.events for d in (e.date, _effective_day(e))]  # stated amounts read old_amount too
        if not self._members_undated:
            days += [d for m in self.members for d in (m.added_on, m.removed_on) if d]
        days += [i.date for i in self.incomes]
        days.sort()  # repeats do no harm to a bisect
        return days

    def same_between(self, first: str, last: str) -> bool:
        """No fact takes effect after `first` up to `last`, so in_care_on, due_on, figures_on, due_amount_on
        and members_on answer the same for both days (a year's month ends are then computed once)."""
        days = self._fact_days
        i = bisect.bisect_right(days, first)
        return i == len(days) or days[i] > last

    def members_on(self, day: str) -> list[Member]:
        if self._members_undated:
            return list(self.members)  # no one joined or left on a known day: everyone, every day
        return [m for m in self.members if m.present_on(day)]

    @_derived
    def _members_undated(self) -> bool:
        return all(m.added_on is None and m.removed_on is None for m in self.members)

    def last_review_on(self, day: str) -> str | None:
        dates = [e.date for e in self.events if e.kind == "复核" and e.date <= day]
        return max(dates) if dates else None


def _decision_day(e: Event) -> str:
    return e.date


def _effective_day(e: Event) -> str:
    """The first day of the month a change takes effect (执行月份); its decision date where none is given."""
    return f"{e.effective_month}-01" if e.effective_month else e.date


def _in_care(facts: list[tuple[str, int]], day: str) -> bool:
    i = bisect.bisect_right(facts, (day, 2))
    if i == 0:
        return False
    last_date = facts[i - 1][0]
    j = bisect.bisect_left(facts, (last_date, 0))
    return facts[j][1] == 1


def provisional_key(internal_id: int) -> str:
    return f"D{internal_id:07d}"


def today() -> str:
    return dt.date.today().isoformat()


def now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")
