"""Every figure the annual documents use, for a year and a scope. `dibao stats --json` prints exactly these.

Definitions (the command-line contract, docs/cli.md): in 保 on a day = approved on or before it and not yet stopped; persons =
persons covered (保障人数) in force on the day; new/exited/increased/decreased = events dated in the
year; money = disbursement sheets, spread evenly over the months each row covers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from archiver import gcpause, idcard
from archiver.catalog import Catalog, Scope
from archiver.catalog.models import START_KINDS, STOP_KINDS, Household, Member, Payment
from archiver.months import last_day
from archiver.policy import Policy

from .rules import basis, review_clock

T = TypeVar("T")


UNKNOWN_TYPE = "城乡未明"  # a household no sheet, title, file name or village says 城市 or 农村 for


def area(catalog: Catalog, scope: str | None, village_only: bool = False) -> Scope:
    """The Scope a `--scope` names: a township, `乡镇/村`, or a village name only one township has (else
    areas.AreaProblem, a UserError naming the scope and the matches)."""
    from archiver.catalog import areas

    return areas.resolve(catalog, scope or "", village_only=village_only)


@dataclass
class YearFacts:
    """What the stats and the documents share: the households in scope with their state on 31 Dec."""

    year: int
    scope: str
    households: list[Household]
    in_care: list[Household]


def age_band(m: Member, day: dt.date, policy: Policy) -> str | None:
    if m.birth_date and m.sex in ("男", "女"):  # derived from the ID number at import
        birth, sex = dt.date.fromisoformat(m.birth_date), m.sex
    else:
        try:
            info = idcard.parse(m.id_number)
        except idcard.IDError:
            return None
        birth, sex = info.birth_date, info.sex
    age = idcard.age_on(birth, day)
    if age < policy.age.adult:
        return "under_18"
    retire = policy.age.male_retire if sex == "男" else policy.age.female_retire
    return "working_age" if age < retire else "elderly"


def age_bands(day: dt.date, policy: Policy) -> Callable[[Member], str | None]:
    """age_band on one day, remembered per stored (birth date, sex): a county's members share a few ten
    thousand birthdays, and the person tables ask for every member."""
    known: dict[tuple[str, str], str | None] = {}

    def band(m: Member) -> str | None:
        if not (m.birth_date and m.sex in ("男", "女")):
            return age_band(m, day, policy)
        key = (m.birth_date, m.sex)
        if key not in known:
            known[key] = age_band(m, day, policy)
        return known[key]
    return band


def counted_members(h: Household, day: str) -> list[Member]:
    """The members a person figure counts: present on `day` and covered (纳入保障). Every person table
    (persons, age bands, disabled, sex, identity) counts these, so the tables add up."""
    return basis.covered_members(h, day)


def covered_persons(h: Household, day: str) -> int:
    return basis.covered_count(h, day)


def month_ends(year: int) -> list[str]:
    return [last_day(f"{year}-{mo:02d}") for mo in range(1, 13)]


def by_month(h: Household, days: list[str], value: Callable[[str], T]) -> list[T]:
    """value(day) for each of `days` (ascending), computed again only where a fact of the household took effect
    since the day before (Household.same_between): a year of month ends is mostly one computation."""
    if h.same_between(days[0], days[-1]):
        return [value(days[0])] * len(days)
    out: list[T] = []
    for i, day in enumerate(days):
        out.append(out[-1] if i and h.same_between(days[i - 1], day) else value(day))
    return out


def load(catalog: Catalog, year: int, scope: str | None) -> YearFacts:
    households = catalog.households(area(catalog, scope), full=True, payments=False)
    day = f"{year}-12-31"
    return YearFacts(year, scope or "全部", households, [h for h in households if h.in_care_on(day)])


@gcpause.paused()
def compute(catalog: Catalog, year: int, scope: str | None, policy: Policy,
            households: list[Household] | None = None, monthly_series: bool = True,
            period: tuple[str, str] | None = None) -> dict:
    """`households` lets a caller that needs several years load the archive once; `monthly_series`
    (persons in 保 at each month's end, for the chart) can be skipped when only the totals are wanted.
    `period` (first day, last day, within `year`) narrows the figures to a month or quarter for the 月报:
    the in-保 figures are then those of its last day, events and money those dated in it — the same code,
    so twelve months add up to the year."""
    first, last = period or (f"{year}-01-01", f"{year}-12-31")
    if households is None:
        households = catalog.households(area(catalog, scope), full=True, payments=False)
    facts = YearFacts(year, scope or "全部", households, [h for h in households if h.in_care_on(last)])
    held = _in_care_figures(catalog, facts.in_care, last, policy)
    events, exits_by_reason = _event_figures(facts.households, first, last)
    quarters, monthly, total = _money(catalog, scope, year, first, last, period is not None)
    persons_by_month = _persons_by_month(facts.households, year) if monthly_series else []
    by_mode = held["by_basis_mode"]
    return {
        "year": year,
        "scope": facts.scope,
        "households_end": len(facts.in_care),
        "persons_end": held["persons_end"],
        **events,
        "disbursed_by_quarter": [round(q, 2) for q in quarters],
        "disbursed_total": total,
        **{k: held[k] for k in ("by_type", "type_unknown", "by_age_band", "by_person_category", "disabled_persons",
                                "overdue_reviews", "cadre_relatives")},
        # extra figures the documents use
        "by_category": held["by_category"],
        "monthly_amount_end": round(held["amount_end"], 2),
        "avg_monthly_per_person": round(total / max(sum(persons_by_month), 1), 2) if total and persons_by_month else 0.0,
        "disbursed_by_month": [round(x, 2) for x in monthly],
        "persons_by_month": persons_by_month,
        "exits_by_reason": exits_by_reason,
        # persons by sex and identity, over the same covered members as persons_end and the age bands
        "by_sex": held["by_sex"],
        "by_identity": held["by_identity"],
        # households in 保 on 31 Dec by how their amount is computed (差额, 分档, 渐退, 核定金额 …)
        "by_basis_mode": by_mode,
        "taper_households": by_mode.get(basis.TAPER, 0),
    }


def _in_care_figures(catalog: Catalog, in_care: list[Household], day_s: str, policy: Policy) -> dict:
    """The households in 保 on `day_s` and their covered persons, by type, class, age band, 分类施保 category,
    sex, identity and basis mode; disabled persons, cadres' relatives and overdue reviews among them."""
    day = dt.date.fromisoformat(day_s)
    rules = basis.rules(policy)
    # a cadre's relative is one whether the file carries the 备案 flag or only the county's register names them
    listed = {e.id_number for e in catalog.cadre_register() if e.id_number}

    by_type: dict[str, dict[str, int]] = {"城市": {"households_end": 0, "persons_end": 0},
                                          "农村": {"households_end": 0, "persons_end": 0}}
    by_category: dict[str, dict[str, int]] = {}
    bands = {"under_18": 0, "working_age": 0, "elderly": 0}
    by_sex: dict[str, int] = defaultdict(int)
    by_identity: dict[str, int] = defaultdict(int)
    by_mode: dict[str, int] = defaultdict(int)
    disabled = cadre = overdue = 0
    type_unknown: list[str] = []  # households no sheet said 城市 or 农村 for: listed, never a silent third type
    by_person_category = {c: 0 for c in basis.ADDON_CATEGORIES}  # 分类施保 categories of covered persons
    persons_end = 0
    amount_end = 0.0
    band_of = age_bands(day, policy)
    for h in in_care:
        counted, p = basis.covered(h, day_s)  # counted_members and covered_persons, read once
        persons_end += p
        amount_end += h.figures_on(day_s)[1] or 0.0
        if not h.area_type:
            type_unknown.append(h.key)
        for table, key in ((by_type, h.area_type or UNKNOWN_TYPE), (by_category, h.category or "未分类")):
            row = table.get(key)
            if row is None:
                row = table[key] = {"households_end": 0, "persons_end": 0}
            row["households_end"] += 1
            row["persons_end"] += p
        members = h.members_on(day_s)
        for m in counted:
            band = band_of(m)
            if band:
                bands[band] += 1
            disabled += bool(m.disability)
            for c in basis.categories(m, day, rules):
                by_person_category[c] += 1
            by_sex[m.sex or "未登记"] += 1
            by_identity[m.identity or "未登记"] += 1
        by_mode[basis.mode_on(h, day_s, policy, rules)] += 1
        cadre += any(m.cadre_relative or (m.id_number or "") in listed for m in members)
        overdue += review_clock.is_overdue(h, day_s, policy)
    return {"persons_end": persons_end, "amount_end": amount_end, "by_type": by_type, "type_unknown": type_unknown,
            "by_age_band": bands, "by_person_category": by_person_category, "disabled_persons": disabled,
            "overdue_reviews": overdue, "cadre_relatives": cadre, "by_category": by_category,
            "by_sex": dict(by_sex), "by_identity": dict(by_identity), "by_basis_mode": dict(by_mode)}


def _event_figures(households: list[Household], first: str, last: str) -> tuple[dict[str, int], dict[str, int]]:
    """New, exited, increased and decreased households (and persons) from the events dated in the period, and
    the exits by reason."""
    new_h = new_p = exit_h = exit_p = inc = dec = 0
    exits_by_reason: dict[str, int] = defaultdict(int)
    for h in households:
        for e in h.events:
            if not first <= e.date <= last:
                continue
            if e.kind in START_KINDS:
                new_h += 1
                new_p += e.new_persons if e.new_persons is not None else (h.figures_on(e.date)[0] or 0)
            elif e.kind in STOP_KINDS:
                exit_h += 1
                before = (dt.date.fromisoformat(e.date) - dt.timedelta(days=1)).isoformat()
                exit_p += e.old_persons if e.old_persons else (h.figures_on(before)[0] or 0)
                exits_by_reason[e.reason or "未注明"] += 1
            elif e.kind == "调增":
                inc += 1
            elif e.kind == "调减":
                dec += 1
    return ({"new_households": new_h, "new_persons": new_p, "exited_households": exit_h, "exited_persons": exit_p,
             "increased": inc, "decreased": dec}, dict(exits_by_reason))


def _money(catalog: Catalog, scope: str | None, year: int, first: str, last: str,
           narrowed: bool) -> tuple[list[float], list[float], float]:
    """Money of the year by quarter and by month (each row spread evenly over the months it covers), and the
    total: the year's, or the months of the period when `narrowed`."""
    quarters = [0.0, 0.0, 0.0, 0.0]
    monthly = [0.0] * 12
    for start, end, amount in catalog.payment_totals(area(catalog, scope)):
        months = Payment(start, end, amount).months()
        share = amount / len(months)
        for ym in months:
            y, mo = map(int, ym.split("-"))
            if y == year:
                quarters[(mo - 1) // 3] += share
                monthly[mo - 1] += share
    in_period = {f"{year}-{mo:02d}" for mo in range(1, 13) if first[:7] <= f"{year}-{mo:02d}" <= last[:7]}
    total = round(sum(x for mo, x in enumerate(monthly, 1) if f"{year}-{mo:02d}" in in_period) if narrowed
                  else sum(quarters), 2)
    return quarters, monthly, total


def _persons_by_month(households: list[Household], year: int) -> list[int]:
    """Covered persons in 保 at each month's end (the chart)."""
    persons_by_month = [0] * 12
    ends = month_ends(year)
    steady = 0  # households whose facts do not change over the year count the same in every month
    for h in households:
        if h.same_between(ends[0], ends[-1]):
            steady += covered_persons(h, ends[0]) if h.in_care_on(ends[0]) else 0
            continue

        def in_care_persons(day: str, h: Household = h) -> int:
            return covered_persons(h, day) if h.in_care_on(day) else 0
        for i, n in enumerate(by_month(h, ends, in_care_persons)):
            persons_by_month[i] += n
    return [n + steady for n in persons_by_month]
