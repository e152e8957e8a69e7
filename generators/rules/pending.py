"""Cases awaiting a decision that a 公示 announces: a 公示 is posted BEFORE approval, so a 拟纳入 notice lists
applicants whose investigation is done, and a 拟停保 notice households the archive shows should stop.
The one place the rule "which pending case goes on which notice" lives (generators/notice.py asks here).

The period rule, for a notice selecting [since, until]:
- a case joins when, on `until`, it awaits a decision (the case timeline says 进行中, or it was decided
  only after `until`) and its evidence is on file by `until`:
  - 拟纳入 (新增): its 入户调查 is dated, and its 民主评议 too where policy requires one; the later of the two
    is the case's date;
  - 拟停保 (停保), for a household in 保 on `until`: the latest review on file on or before `until` concludes
    a stop — a review entered with `dibao review record KEY --date D --result R` whose result says
    停保/停发/停止保障/取消/退出/终止, or a filed 复核记录 whose 复核结论 says so — or every covered member
    of the household has died (`dibao deaths import`); the review's or the death's date is the case's date;
- it is left out when it was posted already: a 公示 on file for it that started before `since` and ran
  the full period (`[notice] days`) — as many as `[notice] rounds` (1; 2 where local rules post
  两榜); after a shorter one it is posted again (a new round);
- a 新增 case is also left out when its investigation finished before `since` and its decision was due
  before `since` as well: an application not decided in time is reported by `cases due` and `inspect`
  (case_overdue), not posted silently months later — unless the household is named (`--household`) or a
  公示 of it on file started within the period (that 公示 is this notice).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from archiver.catalog import Catalog, Scope
from archiver.catalog import reviews as recorded
from archiver.catalog.models import START_KINDS, Household
from archiver.policy import Policy, notice_length

from . import basis
from .caserules import posted_days
from .cases import Case, Context, for_household

_STOP = re.compile(r"停保|停发|停止(?:保障|低保|发放|救助)|取消|退出|终止|注销|不再符合|拟停")
_NOT = re.compile(r"(?:不|未|无需|暂缓|暂不|不予)(?:予以)?(?:停|取消|退出|终止|注销)")


@dataclass
class Pending:
    """One household's case awaiting a decision, as a notice lists it."""

    household: Household
    date: str  # the evidence's date: investigation done, review, death
    persons: int | None
    amount: float | None
    reason: str = ""  # what the archive records (a review's result, 死亡); the notice prints its public form
    source: str = ""  # 入户调查 | 复核登记 | 复核记录 | 死亡名单


def says_stop(result: str) -> bool:
    """Whether a review's recorded result concludes a stop (停保, 拟停保, 停止保障, 取消低保 …), not 不予停保."""
    return bool(_STOP.search(result or "")) and not _NOT.search(result or "")


def new_cases(cat: Catalog, households: list[Household], policy: Policy, since: str, until: str,
              named: bool = False) -> dict[int, Pending]:
    """Pending 新增 cases for the notice of [since, until], by household id (the rule in the module's doc);
    `named`: the households were chosen by hand, so an overdue application is listed too. Persons are the
    covered members on file; the amount is what basis.proposed computes, else None (printed "-")."""
    ctx = Context.load(cat, households, policy, until)
    dead = _dead(cat)
    rounds = notice_rounds(policy)
    out: dict[int, Pending] = {}
    for h in households:
        for c in for_household(h, ctx):
            ready = _ready(c, ctx, since, until, named, rounds) if c.kind == "新增" else None
            if ready is None:
                continue
            persons = len(basis.covered_members(h, ready, dead)) or None
            amount = basis.proposed(h, until, policy, c.applied or ready, dead)
            out[h.id] = Pending(h, ready, persons, amount, source="入户调查")
    return out


def _ready(c: Case, ctx: Context, since: str, until: str, named: bool, rounds: int) -> str | None:
    """The day the case became ready for its 公示, or None when it is not on this notice."""
    decision = c.step("审批")
    decided_after = bool(decision and decision.date and decision.date > until)
    if c.outcome != "进行中" and not decided_after:
        return None
    survey = c.step("入户调查")
    if survey is None or survey.document_id is None or not survey.date:
        return None
    days = [survey.date]
    review = c.step("民主评议")
    if review is not None and review.date:
        days.append(review.date)
    elif ctx.rules.democratic_review_required:
        return None
    ready = max(days)
    if ready > until or _posted(c, since, ctx.rules.notice_days) >= rounds:
        return None
    due = decision.due if decision else None
    posted_now = any(s.document_id is not None and s.date and since <= s.date <= until for s in c.all("公示"))
    if not named and not posted_now and ready < since and due is not None and due < since:
        return None
    return ready


def _posted(c: Case, since: str, notice_days: int) -> int:
    """How many full 公示 of this case are on file that started before the period (a 公示 whose end was not
    read counts as full; `inspect` checks its length)."""
    return sum(1 for s in c.all("公示") if s.document_id is not None and s.date and s.date < since
               and s.detail.get("days", notice_days) >= notice_days)


def notice_rounds(policy: Policy) -> int:
    """`[notice] rounds`: how many full 公示 a case gets before its decision (1; 2 where local rules post 两榜)."""
    return policy.notice.rounds


def stops(cat: Catalog, scope: Scope, households: list[Household], policy: Policy, since: str,
          until: str) -> dict[int, Pending]:
    """Pending 停保 cases for the notice of [since, until], by household id (the rule in the module's doc):
    persons and amount are those in force on `until`, the amount that would stop."""
    notice_days = notice_length(policy)
    entered = cat.reviews_between(scope, "0000-01-01", until)
    dead = _dead(cat)
    facts = cat.document_facts([d.document_id for h in households for d in h.documents])
    out: dict[int, Pending] = {}
    for h in households:
        if not h.in_care_on(until):
            continue
        since_start = _last_start(h, until)
        found = _death(h, dead, until) or _review(h, entered.get(h.id, []), facts, until)
        if found is None or found[0] < since_start:
            continue
        day, reason, source = found
        if _stop_posted(h, facts, day, since, notice_days):
            continue
        persons, amount = h.figures_on(until)
        out[h.id] = Pending(h, day, persons, amount, reason, source)
    return out


def _last_start(h: Household, until: str) -> str:
    """The start of the household's current spell in 保 (evidence from before it belongs to an earlier one)."""
    starts = [e.date for e in h.events if e.kind in START_KINDS and e.date <= until]
    if h.approved_on and h.approved_on <= until:
        starts.append(h.approved_on)
    return max(starts, default="")


def _death(h: Household, dead: dict[str, str | None], until: str) -> tuple[str, str, str] | None:
    """Every covered member died on or before `until` (and the rosters count no one else)."""
    died = [str(dead[m.id_number]) for m in h.members_on(until)
            if m.covered and m.id_number and dead.get(m.id_number) and str(dead[m.id_number]) <= until]
    if not died:
        return None
    after = (dt.date.fromisoformat(until) + dt.timedelta(days=1)).isoformat()
    if basis.covered_count(h, after, dead) > 0:
        return None  # others still covered: a 调减 or a new head, not a stop
    return max(died), "死亡", "死亡名单"


def _review(h: Household, entered: list[recorded.RecordedReview], facts: dict[int, dict[str, str]],
            until: str) -> tuple[str, str, str] | None:
    """The latest review on or before `until`, when what was recorded of it concludes a stop."""
    days = [e.date for e in h.events if e.kind == "复核" and e.date <= until]
    days += [r.date for r in entered]
    if not days:
        return None
    last = max(days)
    for r in entered:
        if r.date == last and says_stop(r.result):
            return last, r.result, "复核登记"
    for d in h.documents:
        result = facts.get(d.document_id, {}).get("review_result", "")
        if d.type == "复核记录" and d.date == last and says_stop(result):
            return last, result, "复核记录"
    return None


def _stop_posted(h: Household, facts: dict[int, dict[str, str]], day: str, since: str, notice_days: int) -> bool:
    """A full 停保 公示 on file, started before the period, within 60 days before the evidence or after it."""
    window = (dt.date.fromisoformat(day) - dt.timedelta(days=60)).isoformat()
    for d in h.documents:
        f = facts.get(d.document_id, {})
        start = d.date or f.get("notice_start")
        if f.get("notice_kind") != "停保" or not start or not window <= start < since:
            continue
        end = f.get("notice_end")
        days = posted_days(start, end) if end else notice_days
        if days >= notice_days:
            return True
    return False


def _dead(cat: Catalog) -> dict[str, str | None]:
    """ID number → date of death (`dibao deaths import`)."""
    return {d.id_number: d.died_on for d in cat.deaths().values()}
