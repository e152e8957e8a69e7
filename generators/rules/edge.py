"""Households at the edge (低保边缘): those refused, stopped or ended by 渐退 since a day, with the reason, the
last per-capita income on file against the standard and the 低保边缘 line (policy.toml [edge] multiple of
the standard, 1.5 by default) — the list the 动态监测 and 应保尽保 follow-ups work from. A household that
applies again keeps its one file (registration refuses a second household for its members): the list says
when it came back."""

from __future__ import annotations

from typing import Any

from archiver.catalog import Catalog, Scope
from archiver.catalog.models import START_KINDS, STOP_KINDS, Household, today
from archiver.policy import Policy
from archiver.privacy import mask_id

from . import basis, cases

DEATH = ("死亡", "去世", "病故")  # a household that ended with its last member's death has no one to follow up


def multiple(policy: Policy) -> float:
    return policy.edge.multiple


def listing(cat: Catalog, scope: Scope, since: str, policy: Policy, until: str | None = None) -> list[dict[str, Any]]:
    until = until or today()
    households = cat.households(scope, full=True, payments=False)
    exits: list[tuple[Household, str, str, str]] = []  # household, 情形, date, reason
    for h in households:
        for e in h.events:
            if e.kind in STOP_KINDS and since <= e.date <= until and not any(w in (e.reason or "") for w in DEATH):
                kind = "渐退期满" if "渐退" in (e.reason or "") else "停保"
                exits.append((h, kind, e.date, e.reason or ""))
    ctx = cases.Context.load(cat, households, policy, until)
    for h in households:
        if not _may_be_refused(h, ctx):  # spare building the cases of a county's every household
            continue
        for c in cases.for_household(h, ctx):
            if c.kind == "新增" and c.outcome == "不予批准" and c.decided and since <= c.decided <= until:
                exits.append((h, "不予批准", c.decided, c.reason))
    out = []
    m = multiple(policy)
    for h, kind, day, reason in sorted(exits, key=lambda x: (x[0].township, x[0].village, x[2], x[0].key)):
        ipc = basis.per_capita(h, basis.income_on(h, day), day)
        standard = policy.standard_on(day, h.area_type) if h.area_type else None
        line = round(standard * m, 2) if standard is not None else None
        back = _came_back(h, day, ctx)
        out.append({"township": h.township, "village": h.village, "household_id": h.key, "head": h.head_name,
                    "head_id": mask_id(h.head_id_number), "kind": kind, "date": day, "reason": reason,
                    "income_per_capita": ipc, "standard": standard, "edge_line": line,
                    "edge": bool(ipc is not None and line is not None and ipc < line), "returned": back})
    return out


def _may_be_refused(h: Household, ctx: cases.Context) -> bool:
    """Whether anything on file could make a 新增 case a refusal (cases._build's signs of one)."""
    return any(e["step"] == "不予批准" for e in ctx.entries.get(h.id, [])) or any(
        d.type == "不予批准告知书" or ctx.facts.get(d.document_id, {}).get("refused") for d in h.documents)


def _came_back(h: Household, day: str, ctx: cases.Context) -> str | None:
    """The first application (or 新增/恢复) after `day` on the same household file."""
    later = [e.date for e in h.events if e.kind in START_KINDS and e.date > day]
    later += [c.applied for c in cases.for_household(h, ctx) if c.kind == "新增" and c.applied and c.applied > day]
    return min(later) if later else None
