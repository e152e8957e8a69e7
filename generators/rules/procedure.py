"""Procedure checks on the case timeline (what inspectors test with dates): 公示 too short, approval
before the 公示 ended, decisions past the working-day limit, refusals notified late, payment for months
before payment could start, required steps with no paper. A run of the check registry (checks.py).
"""

from __future__ import annotations

import datetime as dt

from archiver.catalog.models import STOP_KINDS, Household, today

from . import cases
from .caserules import first_payable_for, posted_days
from .findings import Finding, Scan


def run(scan: Scan) -> list[Finding]:
    cat, households, year, policy = scan.cat, scan.households, scan.year, scan.policy
    day = min(today(), f"{year}-12-31") if year else today()
    ctx = cases.Context.load(cat, households, policy, day)
    out: list[Finding] = []
    for h in households:
        for c in cases.for_household(h, ctx):
            if c.kind in ctx.rules.change_notice and _in_year(c, year):
                out += [Finding(code, [h.key], f"{h.village}{h.head_name}户：{msg}", detail) for code, msg, detail in
                        _change_notice(c, ctx)]
            if c.kind != "新增" or not _in_year(c, year):
                continue
            out += [Finding(code, [h.key], f"{h.village}{h.head_name}户：{msg}", detail) for code, msg, detail in
                    _case_problems(h, c, ctx, year)]
    if ctx.calendar.unknown_years:
        years = "、".join(str(y) for y in sorted(ctx.calendar.unknown_years))
        out.append(Finding("calendar_year_unknown", [], f"{years}年的法定节假日和调休安排尚未收录，工作日暂按周末计算；"
                           "请在 policy.toml 的 [calendar] 中填写当年放假安排后重新检查。",
                           {"years": sorted(ctx.calendar.unknown_years)}))
    return out


def _change_notice(c: cases.Case, ctx: cases.Context) -> list[tuple[str, str, dict]]:
    """A 停保 / 调整 that local rules post first: its 公示 ran the full period, or it is missing."""
    decision = c.step("审批")
    when = decision.date if decision else ""
    notices = c.all("公示")
    if not notices:
        return [("missing_step", f"{when}{c.kind}，按本地规定应先公示{ctx.rules.notice_days}天，未见{c.kind}公示记录。",
                 {"steps": ["公示"], "kind": c.kind})]
    out = []
    for n in notices:
        if n.date and n.end and n.end >= n.date:
            days = posted_days(n.date, n.end)
            if days < ctx.rules.notice_days:
                out.append(("notice_period_short", f"{when}{c.kind}的公示期{n.date}至{n.end}共{days}天，"
                            f"少于规定的{ctx.rules.notice_days}天。",
                            {"start": n.date, "end": n.end, "days": days, "kind": c.kind}))
    return out


def _in_year(c: cases.Case, year: int | None) -> bool:
    """An application of the year: applied for or decided in it (or its decision falling due in it).
    A household approved before the year is no new application because a paper of the year (a re-filed
    审批表, a 复核's 入户调查) turns up."""
    if year is None:
        return True
    y = str(year)
    return any((s.date or "").startswith(y) or (s.due or "").startswith(y) for s in c.steps if s.step in ("申请", "审批"))


def _case_problems(h: Household, c: cases.Case, ctx: cases.Context,
                   year: int | None) -> list[tuple[str, str, dict]]:
    r = ctx.rules
    out: list[tuple[str, str, dict]] = []
    decision = c.step("审批")
    label = (f"{c.applied}申请的新增案件" if c.applied else
             f"{decision.date}审批的新增案件（申请日期不详）" if decision and decision.date else "新增案件（申请日期不详）")
    for n in c.all("公示"):
        days = n.detail.get("days")
        if days is not None and days < r.notice_days:
            out.append(("notice_period_short", f"{label}，公示期{n.date}至{n.end}共{days}天，"
                        f"少于规定的{r.notice_days}天。", {"start": n.date, "end": n.end, "days": days}))
    ends = [n.end for n in c.all("公示") if n.end]
    if c.outcome == "批准" and decision and decision.date and ends and decision.date < max(ends):
        out.append(("approved_before_notice_end", f"公示期至{max(ends)}才届满，但已于{decision.date}审批。",
                    {"approved": decision.date, "notice_end": max(ends)}))
    if decision and decision.late and decision.due:
        when = f"于{decision.date}才作出决定" if decision.date else f"截至{ctx.day}仍未作出决定"
        limit = r.decision_working_days_extended if c.extended else r.decision_working_days
        out.append(("case_overdue", f"{c.applied}受理，应在{limit}个工作日内（{decision.due}前）作出决定，{when}。",
                    {"applied": c.applied, "due": decision.due, "decided": decision.date}))
    tell = c.step("告知")
    if c.outcome == "不予批准" and tell and tell.late and tell.due:
        when = f"于{tell.date}才书面告知" if tell.date else f"截至{ctx.day}尚无书面告知记录"
        out.append(("refusal_notice_late", f"{decision.date if decision else ''}决定不予批准，应在"
                    f"{r.refusal_notice_working_days}个工作日内（{tell.due}前）书面告知，{when}。",
                    {"decided": decision.date if decision else None, "due": tell.due, "notified": tell.date}))
    if c.outcome == "批准" and decision and decision.date:
        early = _paid_early(h, decision.date, ctx, year)
        if early:
            rows = "；".join(f"{r['period'].replace('~', '至')}发放{r['paid']:.2f}元（按规定应发{r['due']:.2f}元）"
                            for r in early)
            out.append(("paid_before_start", f"{decision.date}批准，应自{first_payable_for(h, decision.date, r)}起发放，"
                        f"但{rows}，含批准当月或之前的月份。",
                        {"approved": decision.date, "months": sorted({m for x in early for m in x["months"]}),
                         "rows": early}))
    missing = _missing(c, r.required_steps)
    if missing:
        out.append(("missing_step", f"{label}缺少{'、'.join(missing)}环节的材料。", {"steps": missing}))
    survey = c.step("入户调查")
    names = survey.detail.get("investigators") if survey else None
    if names is not None and len(names) < 2:
        out.append(("too_few_investigators", f"入户调查表只有{len(names)}名调查人员（{'、'.join(names)}），应不少于2人。",
                    {"investigators": names}))
    return out


def _missing(c: cases.Case, required: tuple[str, ...]) -> list[str]:
    if c.outcome == "不予批准":
        return []
    decision = c.step("审批")
    # a 核对 result recorded by staff counts as done, but only when it came before the decision
    have = {s.step for s in c.steps if s.document_id is not None or (s.step == "核对" and s.date)}
    check = c.step("核对")
    if check and check.date and decision and decision.date and check.date > decision.date:
        have.discard("核对")
    if c.outcome == "批准" and not (decision and decision.date):
        return []  # in 保 long since, no dated decision: an old file, which incomplete_file covers
    if c.outcome == "批准":
        return [s for s in required if s not in have]
    done = [cases.ORDER[s.step] for s in c.steps if s.document_id is not None]
    reached = max(done, default=-1)
    return [s for s in required if s not in have and cases.ORDER[s] < reached]


def _paid_early(h: Household, approved: str, ctx: cases.Context, year: int | None) -> list[dict]:
    """Payment rows paying for months before the first payable month, while the household was not already
    in 保 from an earlier approval (and after any earlier stop, which paid_after_stop reports). A row
    covering a quarter counts only when it pays more than its payable months were due."""
    payable = first_payable_for(h, approved, ctx.rules)
    stops = [e.date[:7] for e in h.events if e.kind in STOP_KINDS and e.date < approved]
    floor = max(stops, default="0000-00")
    rows = []
    for p in h.payments:
        if year is not None and p.period_start[:4] != str(year):
            continue
        months = p.months()
        before = [m for m in months if floor < m < payable and not _covered_before(h, m, approved)]
        if not before or p.amount <= 0.5:
            continue
        due = 0.0
        for m in months:
            if m >= payable:
                amount = h.figures_on(_month_end(m))[1]
                if amount is None:
                    due = float("inf")  # nothing says what was due: no accusation
                    break
                due += amount
        if p.amount > due + 0.5:
            rows.append({"period": f"{p.period_start}~{p.period_end}", "paid": p.amount, "due": round(due, 2),
                         "months": before})
    return rows


def _month_end(ym: str) -> str:
    y, m = map(int, ym.split("-"))
    return (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()


def _covered_before(h: Household, month: str, approved: str) -> bool:
    """In 保 on the month's first day by an approval earlier than this one."""
    first = f"{month}-01"
    return first < approved and h.in_care_on(first)
