"""The procedure rules a 低保 case is held to, read from policy.toml [cases] (defaults = national rules).

`first_payable_month` is the one place the "payment starts the month after approval" rule lives: the
case timeline, the paid_before_start check and the payment/amount checks all import it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from archiver.catalog.models import START_KINDS, Household
from archiver.months import last_day
from archiver.policy import Policy, notice_length
from archiver.policy.sections import DEFAULT_STEPS


@dataclass(frozen=True)
class CaseRules:
    decision_working_days: int = 30           # 审核确认办法：自受理之日起30个工作日内作出决定
    decision_working_days_extended: int = 45  # 特殊情况记录延期的，可延长至45个工作日
    notice_days: int = 7                      # 公示期7天: notice_length(policy), the one `[notice] days`
    refusal_notice_working_days: int = 3      # 不予批准：作出决定后3个工作日内书面告知并说明理由
    payment_start: str = "next_month"         # next_month: 自批准次月起发放；same_month: 批准当月起
    democratic_review_required: bool = False  # 民主评议按本地规定
    required_steps: tuple[str, ...] = DEFAULT_STEPS
    change_notice: tuple[str, ...] = ()  # 停保 / 调整 decisions local rules post for notice_days first


def rules(policy: Policy) -> CaseRules:
    """[cases] as the case timeline reads it (checked at load); 民主评议 becomes a required step where required."""
    c = policy.cases
    required = list(c.required_steps)
    if c.democratic_review_required and "民主评议" not in required:
        required.insert(2, "民主评议")
    return CaseRules(
        change_notice=c.change_notice_required,
        decision_working_days=c.decision_working_days,
        decision_working_days_extended=c.decision_working_days_extended,
        notice_days=notice_length(policy),
        refusal_notice_working_days=c.refusal_notice_working_days,
        payment_start=c.payment_start, democratic_review_required=c.democratic_review_required,
        required_steps=tuple(required))


def posted_days(start: str, end: str) -> int:
    """The days a 公示 ran, both ends counted (17 to 23 March: 7) — what every check compares with
    `notice_length(policy)`."""
    return (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1


def last_posted_day(start: dt.date, days: int) -> dt.date:
    """The last day of a 公示 of `days` days from `start`, both ends counted (the inverse of posted_days)."""
    return start + dt.timedelta(days=days - 1)


def first_payable_month(approval_date: str, policy: Policy | CaseRules) -> str:
    """'YYYY-MM' of the first month a household approved on `approval_date` is paid for: the month after
    approval by default, the approval month itself where policy says payment_start = "same_month"."""
    r = policy if isinstance(policy, CaseRules) else rules(policy)
    d = dt.date.fromisoformat(approval_date[:10])
    if r.payment_start == "same_month":
        return f"{d.year:04d}-{d.month:02d}"
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return f"{y:04d}-{m:02d}"


def first_payable_for(h: Household, approved: str, policy: Policy | CaseRules) -> str:
    """The first payable month of the approval dated `approved`: the effective month (执行月份) written on
    its change list where there is one, else the policy's rule (first_payable_month)."""
    written = [e.effective_month for e in h.events if e.kind in START_KINDS and e.date == approved and e.effective_month]
    return max(written) if written else first_payable_month(approved, policy)


def month_payable(h: Household, ym: str, policy: Policy | CaseRules) -> bool:
    """Whether month `ym` ('YYYY-MM') is due to be paid: in 保 on its last day, and not before the first
    payable month of the approval (or 新增/恢复) that put the household in 保. Without any dated start
    (only rosters list the household) every month in 保 is payable."""
    return Payable(h, policy)(ym)


class Payable:
    """month_payable for one household, its start dates and their first payable months read once: the
    payment checks ask it for every month of every disbursement row."""

    def __init__(self, h: Household, policy: Policy | CaseRules) -> None:
        self.h = h
        self.rules = policy if isinstance(policy, CaseRules) else rules(policy)
        starts = [e.date for e in h.events if e.kind in START_KINDS]
        if h.approved_on:
            starts.append(h.approved_on)
        self.starts = sorted(starts)
        self.first: dict[str, str] = {}

    def __call__(self, ym: str) -> bool:
        end = last_day(ym)
        if not self.h.due_on(end):  # in 保 by the 执行月份 of each change where the list gives one
            return False
        i = bisect.bisect_right(self.starts, end)  # the latest start on or before the month's end
        if i == 0:
            return True
        start = self.starts[i - 1]
        first = self.first.get(start)
        if first is None:
            first = self.first[start] = first_payable_for(self.h, start, self.rules)
        return ym >= first
