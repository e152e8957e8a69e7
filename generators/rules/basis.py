"""The basis of a household's monthly amount on any day, recomputed from its facts and local policy.

An inspector's first check: 差额 mode pays (standard − per-capita income) × covered persons; 分档 mode pays
the household's tier (an amount or a share of the standard) × covered persons; either adds 分类施保 add-ons
for covered members who are old, disabled, seriously ill or minors; the total is rounded as policy says.
When income rises to the line, 渐退 keeps paying a share of the last amount for the months policy sets.
Where the facts needed are missing (no income on file in 差额 mode, no tier in 分档 mode) the amount the
rosters and change lists state is used instead (mode 核定金额), so nothing is invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from archiver import idcard
from archiver.catalog.models import Household, Income, Member, _effective_day
from archiver.months import last_day
from archiver.policy import Policy
from archiver.policy.sections import ALL_MEMBERS

from .caserules import month_payable

DIFFERENCE, TIERED, STATED, TAPER, ENDED = "差额", "分档", "核定金额", "渐退", "渐退期满"
ADDON_CATEGORIES = ("老年", "残疾", "重病", "未成年")
SERIOUS_ILLNESS = ("重病", "大病", "重大疾病", "重疾", "癌", "尿毒症", "白血病")


@dataclass
class BasisRules:
    """The `[basis]` section of policy.toml, read once."""

    mode: str = DIFFERENCE
    rounding: str = "元"  # 元 | 角 | 分
    round_method: str = "四舍五入"  # 四舍五入 | 进位 | 舍去
    tiers: dict[str, tuple[str, float]] = field(default_factory=dict)  # tier → ("share"|"amount", value)
    addons: dict[str, tuple[str, float]] = field(default_factory=dict)
    addons_stack: bool = False  # False: a person in several categories gets the largest add-on only
    elderly_age: int = 60
    taper_months: int = 0
    taper_shares: list[float] = field(default_factory=lambda: [1.0])
    income_denominator: str = "共同生活家庭成员"  # or 全部成员: whom per-capita income is divided by


def rules(policy: Policy) -> BasisRules:
    b = policy.basis  # checked at load (archiver/policy): every value here has its kind and range
    return BasisRules(mode=b.mode, rounding=b.rounding, round_method=b.round_method, tiers=dict(b.tiers),
                      addons=dict(b.addons), addons_stack=b.addons_stack, elderly_age=b.elderly_age,
                      taper_months=b.taper_months, taper_shares=list(b.taper_shares), income_denominator=b.income_denominator)


@dataclass
class Basis:
    """What `household show --json` prints as "basis", plus the parts an inspector wants to see."""

    day: str
    standard: float | None
    income_per_capita: float | None
    covered_persons: int
    due_monthly: float
    mode: str
    in_care: bool = True
    tier: str | None = None
    base: float = 0.0  # before add-ons (差额 or tier × persons)
    addons: dict[str, float] = field(default_factory=dict)
    taper_month: int | None = None  # 1-based month of 渐退
    taper_months: int | None = None
    stated_categories: str = ""  # what a roster's 分类施保 column says (shown; add-ons follow the members' facts)
    income_denominator: str = ""  # whom income_per_capita was divided by ("共同生活家庭成员3人"), as policy chose

    def as_json(self) -> dict:
        return asdict(self)


def round_amount(value: float, r: BasisRules) -> float:
    step = {"元": Decimal("1"), "角": Decimal("0.1"), "分": Decimal("0.01")}.get(r.rounding, Decimal("0.01"))
    how = {"进位": ROUND_CEILING, "舍去": ROUND_FLOOR}.get(r.round_method, ROUND_HALF_UP)
    return float(Decimal(str(value)).quantize(step, rounding=how))


def income_on(h: Household, day: str) -> Income | None:
    """The income statement in force on `day`: the latest dated on or before it (staff corrections are
    later statements), else the earliest on file (a roster may be dated after the day asked about)."""
    before = [i for i in h.incomes if i.date <= day]
    if before:
        return before[-1]
    return h.incomes[0] if h.incomes else None


# 共同生活的家庭成员 (民发〔2021〕57号 第六、七条) leaves out those who do not live with the family: a member
# whose record says one of these is not in the per-capita income's denominator
NOT_LIVING_TOGETHER = ("服刑", "强制隔离戒毒", "宣告失踪")


def income_members(h: Household, day: str, r: BasisRules | None = None) -> list[Member]:
    """The members per-capita income is divided by: the 共同生活家庭成员 (57号's reading, the default), or
    every member on file where policy says `[basis] income_denominator = "全部成员"`."""
    present = h.members_on(day)
    if r is not None and r.income_denominator == ALL_MEMBERS:
        return present
    return [m for m in present
            if not any(w in f"{m.covered_reason}{m.identity}{m.health}" for w in NOT_LIVING_TOGETHER)]


def per_capita(h: Household, income: Income | None, day: str, r: BasisRules | None = None) -> float | None:
    """人均月收入: as stated, else the household's monthly income over the members policy counts then (all
    who live together, not only the covered: income_members)."""
    if income is None:
        return None
    if income.per_capita is not None:
        return income.per_capita
    if income.monthly_total is None:
        return None
    people = income.persons or len(income_members(h, day, r)) or h.persons or 1
    return income.monthly_total / people  # unrounded: (标准 − 总收入/n) × n stays exact; shown to the 分


def age_on(m: Member, day: dt.date) -> int | None:
    if m.birth_date:
        return idcard.age_on(dt.date.fromisoformat(m.birth_date), day)
    try:
        return idcard.parse(m.id_number).age_on(day)
    except (idcard.IDError, TypeError):
        return None


def covered_members(h: Household, day: str, dead: dict[str, str | None] | None = None) -> list[Member]:
    """Members present on `day`, covered (纳入保障), and not known to have died before it."""
    return covered(h, day, dead)[0]


def covered_count(h: Household, day: str, dead: dict[str, str | None] | None = None) -> int:
    """保障人数 on `day`: the covered members on file. Where the file holds fewer members than the latest
    roster or change counts (a one-row-per-household roster lists only the head), that count stands, less
    the members on file known not to be covered (or dead)."""
    return covered(h, day, dead)[1]


def covered(h: Household, day: str, dead: dict[str, str | None] | None = None) -> tuple[list[Member], int]:
    """(covered_members, covered_count) from one reading of the members present on `day`."""
    present = h.members_on(day)
    if dead:
        members = [m for m in present if m.covered and not ((died := dead.get(m.id_number or "")) and died < day)]
    else:
        members = [m for m in present if m.covered]
    stated, _ = h.figures_on(day)
    if stated is not None and len(present) < stated:
        return members, stated - (len(present) - len(members))
    return members, len(members)


def categories(m: Member, day: dt.date, r: BasisRules) -> list[str]:
    """The 分类施保 categories a member's facts put them in."""
    out = []
    age = age_on(m, day)
    if age is not None and age >= r.elderly_age:
        out.append("老年")
    if m.disability:
        out.append("残疾")
    if any(w in (m.health or "") for w in SERIOUS_ILLNESS):
        out.append("重病")
    if age is not None and age < 18:
        out.append("未成年")
    return out


def _value(kind_value: tuple[str, float], standard: float) -> float:
    kind, value = kind_value
    return standard * value if kind == "share" else value


def _raw(h: Household, day: str, policy: Policy, r: BasisRules, dead: dict[str, str | None] | None) -> Basis:
    """The amount without 渐退 (and without asking whether the household is in 保)."""
    standard = policy.standard_on(day, h.area_type)
    income = income_on(h, day)
    ipc = per_capita(h, income, day, r)
    members, persons = covered(h, day, dead)
    stated = h.figures_on(day)[1]
    basis = Basis(day, standard, None if ipc is None else round(ipc, 2), persons, 0.0, STATED,
                  tier=h.benefit_tier, stated_categories=h.aid_categories,
                  income_denominator=(f"申报人数{income.persons}人" if income and income.persons else
                                      f"{r.income_denominator}{len(income_members(h, day, r))}人"))
    if standard is None:
        basis.due_monthly = stated or 0.0
        return basis
    if r.mode == TIERED and h.benefit_tier in r.tiers:
        if ipc is not None and ipc >= standard:
            basis.mode = TIERED
            return basis
        basis.base = _value(r.tiers[h.benefit_tier], standard) * persons
        basis.mode = TIERED
    elif r.mode == DIFFERENCE and ipc is not None:
        basis.base = max(standard - ipc, 0.0) * persons
        basis.mode = DIFFERENCE
        if basis.base <= 0:
            return basis
    else:
        basis.due_monthly = stated or 0.0
        return basis
    when = dt.date.fromisoformat(day)
    for m in members:
        found = [(c, _value(r.addons[c], standard)) for c in categories(m, when, r) if c in r.addons]
        if not found:
            continue
        for c, amount in (found if r.addons_stack else [max(found, key=lambda x: x[1])]):
            basis.addons[c] = basis.addons.get(c, 0.0) + amount
    basis.addons = {c: round(v, 2) for c, v in basis.addons.items()}
    basis.due_monthly = round_amount(basis.base + sum(basis.addons.values()), r)
    basis.base = round(basis.base, 2)
    return basis


def proposed(h: Household, day: str, policy: Policy, since: str, dead: dict[str, str | None] | None = None) -> float | None:
    """The monthly amount a household awaiting approval would get on `day` (a 拟纳入 公示's amount), in 差额
    mode only: (standard − per-capita income) × covered persons, plus add-ons, from an income statement
    recorded on or after `since` (the application — an older one describes another time). None where the
    facts do not say (no fresh income, no standard, 分档 mode, whose tier is set at approval, or income at
    or above the line): a notice then prints "-" rather than a guess."""
    r = rules(policy)
    income = income_on(h, day)
    if r.mode != DIFFERENCE or income is None or not since <= income.date <= day:
        return None
    b = _raw(h, day, policy, r, dead)
    return b.due_monthly if b.mode == DIFFERENCE and b.due_monthly > 0 else None


def _above_line(h: Household, income: Income, policy: Policy) -> bool:
    standard = policy.standard_on(income.date, h.area_type)
    ipc = per_capita(h, income, income.date, rules(policy))
    return standard is not None and ipc is not None and ipc >= standard


def _months_between(a: str, b: str) -> int:
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


def compute(h: Household, day: str, policy: Policy, r: BasisRules | None = None,
            dead: dict[str, str | None] | None = None) -> Basis:
    """The basis on `day`; due_monthly is 0 on a day the household is not in 保."""
    r = r or rules(policy)
    basis = _raw(h, day, policy, r, dead)
    basis.in_care = h.in_care_on(day)
    if basis.mode in (DIFFERENCE, TIERED) and basis.due_monthly == 0 and r.taper_months > 0:
        _taper(h, day, policy, r, dead, basis)
    if not basis.in_care:
        basis.due_monthly = 0.0
    return basis


def taper_start(h: Household, day: str, policy: Policy) -> str | None:
    """The date of the income statement that put the household at or above the line, where it still is on
    `day` and was below it before (the first month of 渐退); None otherwise."""
    stated = [i for i in h.incomes if i.date <= day]
    if not stated or not _above_line(h, stated[-1], policy):
        return None
    k = len(stated) - 1
    while k > 0 and _above_line(h, stated[k - 1], policy):
        k -= 1
    return None if k == 0 else stated[k].date  # above the line since the first statement: nothing to taper from


def taper_ended_on(h: Household, day: str, policy: Policy, r: BasisRules | None = None) -> str | None:
    """The first day after a household's 渐退 ran out, when it has by `day` (it is then due for 停保, not
    left 在保 at 0 元); None otherwise."""
    r = r or rules(policy)
    if r.taper_months <= 0 or not h.in_care_on(day):
        return None
    crossed = taper_start(h, day, policy)
    if crossed is None or _months_between(crossed, day) < r.taper_months:
        return None
    from archiver.months import add_months

    return add_months(dt.date.fromisoformat(crossed).replace(day=1), r.taper_months).isoformat()


def _taper(h: Household, day: str, policy: Policy, r: BasisRules, dead: dict[str, str | None] | None,
           basis: Basis) -> None:
    """渐退: the income statement that first put the household at or above the line starts the taper in its
    month; for `taper_months` months the household gets a share of what was due the day before, then nothing."""
    crossed = taper_start(h, day, policy)
    if crossed is None:
        return
    month = _months_between(crossed, day)
    basis.taper_months = r.taper_months
    if month >= r.taper_months:
        basis.mode = ENDED
        return
    before = (dt.date.fromisoformat(crossed) - dt.timedelta(days=1)).isoformat()
    last = _raw(h, before, policy, r, dead).due_monthly
    share = r.taper_shares[min(month, len(r.taper_shares) - 1)]
    basis.mode = TAPER
    basis.taper_month = month + 1
    basis.due_monthly = round_amount(last * share, r)


# ---------------------------------------------------------------------- months (for payments)
def month_end(ym: str) -> str:
    return last_day(ym)


def stated_only(h: Household, r: BasisRules) -> bool:
    """Whether the basis is the rosters' stated amount (核定金额) on every day: 分档 mode and no tier of the
    policy's, or 差额 mode and no income on file — then nothing else needs computing for a month."""
    return h.benefit_tier not in r.tiers if r.mode == TIERED else not h.incomes


def due_for_month(h: Household, ym: str, policy: Policy, r: BasisRules | None = None,
                  dead: dict[str, str | None] | None = None) -> tuple[float | None, Basis]:
    """What was due for month `ym` (YYYY-MM): the basis on the month's last day, nothing for a month that is
    not payable (caserules.month_payable: payment starts the month after approval unless policy says the
    same month). None when no fact says what was due (the stated amount is unknown)."""
    end = month_end(ym)
    b = compute(h, end, policy, r, dead)
    if not h.due_on(end) or not month_payable(h, ym, policy):
        return 0.0, b
    return (stated_amount(h, end) if b.mode == STATED else b.due_monthly), b


def mode_on(h: Household, day: str, policy: Policy, r: BasisRules) -> str:
    """compute(...).mode, without computing the amount where the basis is the stated one every day."""
    return STATED if stated_only(h, r) else compute(h, day, policy, r).mode


def payable_month_due(h: Household, ym: str, policy: Policy, r: BasisRules,
                      dead: dict[str, str | None] | None = None) -> tuple[float | None, bool]:
    """due_for_month for a month known to be payable, as (amount, whether the computation itself says
    nothing is due: income at the line, 渐退 over). A household whose basis is the stated amount on every
    day (stated_only) is not recomputed month by month — the payment checks ask this for every month."""
    end = month_end(ym)
    if stated_only(h, r):
        return stated_amount(h, end), False
    b = compute(h, end, policy, r, dead)
    if b.mode == STATED:
        return stated_amount(h, end), False
    return b.due_monthly, b.due_monthly == 0


# the day a change counts from for payments: its 执行月份 where known, else its decision date (one rule, in models)
effective_date = _effective_day


def stated_amount(h: Household, day: str) -> float | None:
    """The monthly amount owed on `day` only where a roster or change says so: a fact in effect by the day
    (changes count from their 执行月份), or the old amount of the first change taking effect after it."""
    facts = h._paid_figure_facts  # sorted by day
    if facts and facts[0][0] <= day:
        return h.due_amount_on(day)
    later = sorted((e for e in h.events if e.old_amount is not None and effective_date(e) > day), key=effective_date)
    return later[0].old_amount if later else None
