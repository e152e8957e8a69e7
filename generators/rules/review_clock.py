"""The review clock (定期复核): when a household's periodic review falls due, and whether it is overdue on a
day. The one definition read by the statistics, the 复核计划, the 检查通报, the dashboard and the households
filter, so no two pages can disagree on the same day."""

from __future__ import annotations

import datetime as dt
import functools

from archiver.catalog.models import START_KINDS, Household
from archiver.months import add_months
from archiver.policy import Policy

UNCLASSIFIED = "未分类"


def last_review_or_start(h: Household, day: str) -> str | None:
    """The date the review clock starts from: the last 复核, else the approval (or latest 新增)."""
    if not h.events:  # most households: only the approval
        return h.approved_on if h.approved_on and h.approved_on <= day else None
    review = h.last_review_on(day)
    if review:
        return review
    starts = [e.date for e in h.events if e.kind in START_KINDS and e.date <= day]
    if h.approved_on and h.approved_on <= day:
        starts.append(h.approved_on)
    return max(starts) if starts else None


def review_interval(h: Household, policy: Policy) -> int | None:
    """Months between reviews: the class's ([review_months]); a household without a known class is
    reviewed at `[review_months] 未分类` where set, else the longest interval (every household in 保 is
    reviewed at least that often) — and is shown as 未分类 so staff classify it."""
    return policy.review_months.get(h.category or "") or unclassified_interval(policy)


def unclassified_interval(policy: Policy) -> int | None:
    return policy.review_months.get(UNCLASSIFIED) or max(policy.review_months.values(), default=None)


def class_label(h: Household, policy: Policy) -> str:
    """The class a review plan shows: the household's own where policy gives it an interval, else 未分类."""
    return h.category if h.category and policy.review_months.get(h.category) else UNCLASSIFIED


def due_on(h: Household, day: str, policy: Policy) -> dt.date | None:
    """When the household's periodic review falls due, as known on `day`: its class's interval after its last
    review, or after its approval when never reviewed. None: no start on file."""
    months = review_interval(h, policy)
    if not months:
        return None
    since = last_review_or_start(h, day)
    if not since:
        return None
    return _months_after(since, months)


@functools.lru_cache(maxsize=1 << 14)
def _months_after(since: str, months: int) -> dt.date:
    return add_months(dt.date.fromisoformat(since), months)


def is_overdue(h: Household, day: str, policy: Policy) -> bool:
    """In 保 on `day` and its review fell due before it."""
    due = due_on(h, day, policy)
    return due is not None and due < dt.date.fromisoformat(day) and h.in_care_on(day)
