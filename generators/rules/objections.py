"""Objections, complaints and reports (公示异议、信访、举报、来电) read against the rules: a 公示异议 must be
checked and closed before the case it was raised against is decided; the others answered within the policy's
working days (policy.toml [objections] answer_working_days, on the working-day calendar). `inspect` reports
`objection_open_at_decision` and `objection_overdue` from here; the summary and the 检查通报 count the
register with `counts`. Every text here names the complainant masked (张*), never in full."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from archiver.catalog import Catalog, Scope
from archiver.catalog import objections as register
from archiver.catalog.models import Household, today
from archiver.policy import Policy

from . import cases
from .workdays import Calendar

OBJECTION = "公示异议"


@dataclass(frozen=True)
class Rules:
    answer_working_days: int = 15  # 信访、举报、来电：受理后15个工作日内核实答复（本地可改）


def rules(policy: Policy) -> Rules:
    return Rules(policy.objections.answer_working_days)


def due_on(o: register.Objection, calendar: Calendar, r: Rules) -> str:
    """The day an objection must be closed by (for a 公示异议 on a decided case, the decision day comes first)."""
    return calendar.add_working_days(dt.date.fromisoformat(o.raised_on), r.answer_working_days).isoformat()


def decision_after(h: Household, o: register.Objection, ctx: cases.Context) -> str | None:
    """The approval of the 新增 case a 公示异议 was raised against: the first approval on or after the day it
    was raised, of a case applied for on or before that day."""
    dates = sorted(c.decided for c in cases.for_household(h, ctx)
                   if c.kind == "新增" and c.outcome == "批准" and c.decided and c.decided >= o.raised_on
                   and (c.applied is None or c.applied <= o.raised_on))
    return dates[0] if dates else None


def findings(cat: Catalog, households: list[Household], year: int | None,
             policy: Policy) -> list[tuple[str, list[str], str, dict[str, Any]]]:
    day = min(today(), f"{year}-12-31") if year else today()
    by_id = {h.id: h for h in households}
    found = [o for o in cat.objections(Scope(), until=day) if o.household_id in by_id]  # a register is small
    if not found:
        return []
    r = rules(policy)
    ctx = cases.Context.load(cat, [by_id[o.household_id] for o in found], policy, day)
    out: list[tuple[str, list[str], str, dict[str, Any]]] = []
    for o in found:
        h = by_id[o.household_id]
        who = f"{h.village}{h.head_name}户"
        what = f"{o.raised_on}受理的{o.kind}（第{o.id}号，反映人{o.masked_by}）"
        closed = o.closed_on if o.closed_on and o.closed_on <= day else None
        decided = decision_after(h, o, ctx) if o.kind == OBJECTION else None
        if decided and decided <= day:
            if closed is None or closed > decided:
                state = f"于{closed}才办结" if closed else "至今未办结"
                out.append(("objection_open_at_decision", [h.key], f"{who}：{what}{state}，但已于{decided}审批。",
                            {"objection": o.id, "raised": o.raised_on, "decided": decided, "closed": closed}))
            continue
        due = due_on(o, ctx.calendar, r)
        if (closed or day) > due:
            state = f"于{closed}才办结" if closed else f"截至{day}仍未办结"
            out.append(("objection_overdue", [h.key], f"{who}：{what}应在{r.answer_working_days}个工作日内"
                        f"（{due}前）核实答复，{state}。", {"objection": o.id, "raised": o.raised_on, "due": due,
                                                        "closed": closed}))
    return out


def counts(cat: Catalog, scope: Scope, since: str, until: str) -> dict[str, Any]:
    """The register's figures for a period: received by kind, closed, found true (属实/部分属实), still open."""
    rows = cat.objections(scope, since=since, until=until)
    by_kind = {k: 0 for k in register.KINDS}
    for o in rows:
        by_kind[o.kind] = by_kind.get(o.kind, 0) + 1
    closed = [o for o in rows if o.closed_on and o.closed_on <= until]
    return {"received": len(rows), "by_kind": by_kind, "closed": len(closed),
            "true": sum(o.result == "属实" for o in closed), "partly_true": sum(o.result == "部分属实" for o in closed),
            "untrue": sum(o.result == "不属实" for o in closed), "open": len(rows) - len(closed)}


def sentence(c: dict[str, Any]) -> str:
    """The 工作总结's and 检查通报's sentence on the register (counts only; no name, no household)."""
    if not c["received"]:
        return "全年未受理低保相关的公示异议、信访和举报。"
    kinds = "、".join(f"{k}{n}件" for k, n in c["by_kind"].items() if n)
    out = f"全年受理低保相关的公示异议、信访、举报和来电共{c['received']}件（{kinds}），已办结{c['closed']}件"
    if c["closed"]:
        out += f"，经核实属实{c['true']}件、部分属实{c['partly_true']}件、不属实{c['untrue']}件"
    out += f"；尚在办理{c['open']}件。" if c["open"] else "，全部办结。"
    return out


def register_rows(cat: Catalog, scope: Scope, policy: Policy, open_only: bool = False,
                  day: str | None = None) -> list[dict[str, Any]]:
    """The register as staff keep it (the one place the complainant's name is shown in full), with each
    entry's deadline: a 公示异议 is due by the decision on its case, the others `answer_working_days` after
    they were received."""
    day = day or today()
    rows = cat.objections(scope, open_only=open_only)
    if not rows:
        return []
    r = rules(policy)
    households: dict[int, Household] = {}
    for hid in sorted({o.household_id for o in rows}):
        h = cat.household(hid)
        if h is not None:
            households[hid] = h
    ctx = cases.Context.load(cat, list(households.values()), policy, day)
    out = []
    for o in rows:
        h = households.get(o.household_id)
        decided = decision_after(h, o, ctx) if h is not None and o.kind == OBJECTION else None
        due = decided or due_on(o, ctx.calendar, r)
        out.append({"id": str(o.id), "date": o.raised_on, "kind": o.kind, "household_id": o.household_key,
                    "township": o.township, "village": o.village, "head": o.head, "by": o.raised_by,
                    "text": o.allegation, "about": o.about, "checker": o.checker, "finding": o.finding,
                    "result": o.result, "closed": o.closed_on, "open": o.open, "due": due,
                    "overdue": (o.closed_on or day) > due})
    return out


def dossier_pages(cat: Catalog, h: Household) -> list[dict[str, Any]]:
    """The dossier's page of the household's objections and complaints (complainant masked), when it has any."""
    rows = cat.objections_of(h.id)
    if not rows:
        return []
    return [{"title": "异议、信访、举报登记", "note": "反映人姓名已隐去；详见登记簿。",
             "headers": ["编号", "类型", "受理日期", "反映人", "反映问题", "核查情况", "结果", "办结日期"],
             "rows": [[str(o.id), o.kind, o.raised_on, o.masked_by, o.allegation, o.finding or "—", o.result or "未办结",
                       o.closed_on or "—"] for o in rows]}]

