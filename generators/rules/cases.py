"""The case timeline: every application (新增), stop (停保) and adjustment (调整) of a household, its
steps with their dates, documents and deadlines. Computed on demand from what the catalog holds now —
the documents' current types and dates (so a staff correction flows straight in), the facts read from
them at ingest (公示 period, investigators, a form's QR case step), the change lists' events, the
payments and the steps staff recorded by hand — never stored, so it is never stale.

A 新增 case starts at each 申请书; the other application papers belong to the case whose 申请 date is the
latest on or before their own date (a pre-filled form's QR code names its case outright).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from archiver.catalog import Catalog
from archiver.catalog.models import START_KINDS, STOP_KINDS, Document, Household, today
from archiver.policy import Policy

from .caserules import CaseRules, first_payable_month, posted_days, rules
from .workdays import Calendar

# document type → the case step it evidences
STEP_OF_TYPE = {"申请书": "申请", "入户调查表": "入户调查", "民主评议记录": "民主评议", "公示记录": "公示",
                "审批表": "审批", "不予批准告知书": "告知", "核对报告": "核对"}
ORDER = {s: i for i, s in enumerate(("申请", "入户调查", "核对", "民主评议", "公示", "审批", "告知", "首次发放"))}


@dataclass
class Step:
    step: str
    date: str | None = None
    end: str | None = None
    document_id: int | None = None
    due: str | None = None
    late: bool = False
    source: str = ""  # 档案 | 变动名册 | 发放表 | 登记 (entered by staff)
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"step": self.step, "date": self.date, "end": self.end,
                "document_id": str(self.document_id) if self.document_id is not None else None,
                "due": self.due, "late": self.late, "source": self.source, **({"detail": self.detail} if self.detail else {})}


@dataclass
class Case:
    kind: str  # 新增 | 停保 | 调整
    outcome: str  # 批准 | 不予批准 | 进行中
    steps: list[Step]
    extended: bool = False
    reason: str = ""  # a refusal's reason

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.step == name), None)

    def all(self, name: str) -> list[Step]:
        return [s for s in self.steps if s.step == name]

    @property
    def applied(self) -> str | None:
        s = self.step("申请")
        return s.date if s else None

    @property
    def decided(self) -> str | None:
        s = self.step("审批")
        return s.date if s else None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "outcome": self.outcome, "extended": self.extended,
                **({"reason": self.reason} if self.reason else {}), "steps": [s.as_json() for s in self.steps]}


@dataclass
class Context:
    """What case computation needs besides the household: rules, calendar, facts, the reference day."""

    rules: CaseRules
    calendar: Calendar
    facts: dict[int, dict[str, str]]
    entries: dict[int, list[dict[str, Any]]]
    day: str
    payments_from: str | None = None  # the earliest month any disbursement sheet on file covers ("YYYY-MM")

    @classmethod
    def load(cls, cat: Catalog, households: list[Household], policy: Policy, day: str | None = None) -> Context:
        docs = [d.document_id for h in households for d in h.documents]
        return cls(rules(policy), Calendar.from_policy(policy), cat.document_facts(docs),
                   cat.case_entries([h.id for h in households]), day or today(), cat.first_payment_month())


def for_household(h: Household, ctx: Context) -> list[Case]:
    return _new_cases(h, ctx) + _other_cases(h, ctx)


def household_cases(cat: Catalog, h: Household, policy: Policy) -> list[Case]:
    return for_household(h, Context.load(cat, [h], policy))


# ---------------------------------------------------------------------- 新增
@dataclass
class _Draft:
    applied: str | None
    registered: bool = False  # the application was entered by staff (applicants.register), no 申请书 on file near it
    docs: list[tuple[str, Document]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # 新增 dates from change lists
    entries: list[dict[str, Any]] = field(default_factory=list)


def _new_cases(h: Household, ctx: Context) -> list[Case]:
    papers = []
    for d in h.documents:
        facts = ctx.facts.get(d.document_id, {})
        step = facts.get("step") or STEP_OF_TYPE.get(d.type)
        if d.type == "其他" and facts.get("notice_start"):
            step = "公示"  # a notice titled 拟纳入低保对象公示 rather than 公示记录
        if step == "公示" and facts.get("notice_kind"):
            continue  # a 停保/调整 公示 (kept with its own case below)
        if step in ORDER:
            papers.append((step, d))
    starts = [e.date for e in h.events if e.kind in START_KINDS]
    entries = [e for e in ctx.entries.get(h.id, []) if e["step"] in ("不予批准", "告知", "延期", "核对")]
    on_paper = {d.date for s, d in papers if s == "申请" and d.date}
    registered = {e["date"] for e in ctx.entries.get(h.id, []) if e["step"] == "申请" and not _near(e["date"], on_paper)}
    if not papers and not starts and not entries and not registered:
        return []
    applications = sorted(on_paper | registered)
    drafts = [_Draft(a, registered=a in registered) for a in applications] or [_Draft(None)]

    def owner(day: str | None, named: str | None = None) -> _Draft:
        if named:
            for dr in drafts:
                if dr.applied == named:
                    return dr
        if day:
            earlier = [dr for dr in drafts if dr.applied and dr.applied <= day]
            if earlier:
                return earlier[-1]
        return drafts[0] if day else drafts[-1]

    for step, d in papers:
        if step == "申请" and d.date:
            owner(d.date).docs.append((step, d))
        else:
            owner(d.date, ctx.facts.get(d.document_id, {}).get("case")).docs.append((step, d))
    for day in starts:
        owner(day).events.append(day)
    for e in entries:
        owner(e["date"]).entries.append(e)
    for d in h.documents:  # a 延期 note filed as any type (延长审核期限的说明) extends its case
        if ctx.facts.get(d.document_id, {}).get("extension") and STEP_OF_TYPE.get(d.type) is None:
            owner(d.date).entries.append({"step": "延期", "date": d.date or "", "detail": f"档案{d.document_id}"})
    for dr in drafts:
        _drop_later_papers(dr, ctx.facts)
    return [_build(h, dr, ctx) for dr in drafts if dr.docs or dr.events or dr.entries or dr.registered]


def _near(day: str, others: set[str], days: int = 60) -> bool:
    """A registered application within `days` of a 申请书 on file is that application, not a second one."""
    d = dt.date.fromisoformat(day)
    return any(abs((dt.date.fromisoformat(o) - d).days) <= days for o in others)


def _drop_later_papers(dr: _Draft, facts: dict[int, dict[str, str]]) -> None:
    """Papers dated after the case was decided are not its steps: a 入户调查 or 公示 a year after approval
    belongs to a review or a later change, not to the application (a refusal's notice stays)."""
    decided = [d.date for s, d in dr.docs if s == "审批" and d.date] or sorted(dr.events)[:1]
    if not decided:
        return
    last = min(decided)
    dr.docs = [(s, d) for s, d in dr.docs if s in ("审批", "告知", "申请") or not d.date or d.date <= last
               or facts.get(d.document_id, {}).get("step")]  # a form's QR code names its step outright


def _build(h: Household, dr: _Draft, ctx: Context) -> Case:
    by: dict[str, list[Document]] = {}
    for step, d in dr.docs:
        by.setdefault(step, []).append(d)
    facts = ctx.facts
    refused_entry = next((e for e in dr.entries if e["step"] == "不予批准"), None)
    extended = any(e["step"] == "延期" for e in dr.entries) or any(
        facts.get(d.document_id, {}).get("extension") for _, d in dr.docs)
    refusal_docs = by.get("告知", [])
    approval_docs = by.get("审批", [])
    refused = bool(refused_entry or refusal_docs
                   or any(facts.get(d.document_id, {}).get("refused") for d in approval_docs))
    application = _first(by.get("申请"), facts)
    steps = _steps_before_decision(dr, by, facts, ctx.rules, application, refused)
    decision, in_care = _decision(h, dr, ctx, by, application, refused_entry, refused, extended)
    steps.append(decision)
    outcome = "不予批准" if refused else ("批准" if decision.date or in_care else "进行中")
    reason = ""
    if refused:
        tell, reason = _refusal_notice(dr, ctx, decision, by, refused_entry)
        steps.append(tell)
    elif decision.date:
        steps.append(_first_payment(h, decision.date, ctx.rules, ctx.payments_from))
    elif in_care:
        decision.detail["note"] = "已在保，审批日期不详"
    steps.sort(key=lambda st: ORDER[st.step])
    return Case("新增", outcome, steps, extended, reason)


def _doc_step(name: str, d: Document | None, **kw: Any) -> Step:
    return Step(name, d.date if d else None, document_id=d.document_id if d else None,
                source="档案" if d else "", **kw)


def _steps_before_decision(dr: _Draft, by: dict[str, list[Document]], facts: dict[int, dict[str, str]],
                           r: CaseRules, application: Document | None, refused: bool) -> list[Step]:
    """申请, 入户调查, 核对, 民主评议 and each round of 公示, as the papers (or the registers) show them."""
    steps = [_doc_step("申请", application) if application or not dr.registered
             else Step("申请", dr.applied, source="登记")]
    survey = _first(by.get("入户调查"), facts)
    s = _doc_step("入户调查", survey)
    if survey:
        names = facts.get(survey.document_id, {}).get("investigators")
        if names:
            s.detail["investigators"] = names.split("、")
    steps.append(s)
    check = _check_step(by.get("核对"), next((e for e in dr.entries if e["step"] == "核对"), None), facts, r)
    if check:
        steps.append(check)
    review = _first(by.get("民主评议"), facts)
    if review or r.democratic_review_required:
        steps.append(_doc_step("民主评议", review))
    notices = sorted(by.get("公示", []), key=lambda d: (_notice_start(d, facts) or "9999",
                                                     facts.get(d.document_id, {}).get("notice_round", "")))
    for i, d in enumerate(notices):
        start = _notice_start(d, facts)
        st = Step("公示", start, facts.get(d.document_id, {}).get("notice_end"), d.document_id, source="档案")
        st.detail["round"] = int(facts.get(d.document_id, {}).get("notice_round") or i + 1)
        if st.date and st.end and st.end >= st.date:
            st.detail["days"] = posted_days(st.date, st.end)
        steps.append(st)
    if not notices and not refused:
        steps.append(Step("公示"))
    return steps


def _decision(h: Household, dr: _Draft, ctx: Context, by: dict[str, list[Document]], application: Document | None,
              refused_entry: dict[str, Any] | None, refused: bool, extended: bool) -> tuple[Step, bool]:
    """审批: the 审批表, else the change list's 新增 date, else a refusal recorded by hand, else what the 告知书 or
    the roster says; with its due day. Also whether the household is in 保 though nothing dates the decision."""
    facts, r = ctx.facts, ctx.rules
    approval = _first(by.get("审批", []), facts)
    if (approval is not None and approval.date and application is None and not dr.registered and not refused
            and "step" not in facts.get(approval.document_id, {}) and _in_care_before(h, approval.date)):
        approval = None  # a 审批表 re-filed (or a review's) for a household in 保 long before: no new application
    decision = _doc_step("审批", approval)
    if approval is None and dr.events and not refused:
        decision = Step("审批", min(dr.events), source="变动名册")
    if refused_entry and (approval is None or not approval.date):
        decision = Step("审批", refused_entry["date"], document_id=approval.document_id if approval else None,
                        source="登记" if approval is None else "档案")
    if refused and decision.date is None:  # the 告知书 may say when it was decided
        said = next((facts[d.document_id]["decision_date"] for d in by.get("告知", [])
                     if facts.get(d.document_id, {}).get("decision_date")), None)
        if said:
            decision = Step("审批", said, source="告知书")
    applied = application.date if application else (dr.applied if dr.registered else None)
    in_care = False  # approved, though no paper or change list dates the decision
    if decision.date is None and not refused:
        if h.approved_on and applied and h.approved_on >= applied:
            decision = Step("审批", h.approved_on, document_id=decision.document_id, source=decision.source or "花名册")
        else:
            first = min((d.date for _, d in dr.docs if d.date), default=None)
            in_care = h.in_care_on(first or ctx.day) or h.in_care_on(ctx.day)
            if in_care:
                decision.source = decision.source or "花名册"
    if applied:
        limit = r.decision_working_days_extended if extended else r.decision_working_days
        due = ctx.calendar.add_working_days(dt.date.fromisoformat(applied), limit).isoformat()
        decision.due = due
        if decision.date:
            decision.late = decision.date > due
        else:
            decision.late = not refused and not in_care and ctx.day > due
    return decision, in_care


def _refusal_notice(dr: _Draft, ctx: Context, decision: Step, by: dict[str, list[Document]],
                    refused_entry: dict[str, Any] | None) -> tuple[Step, str]:
    """告知 of a refusal, due within the working days after the decision, and the reason given."""
    facts = ctx.facts
    refusal_docs, approval_docs = by.get("告知", []), by.get("审批", [])
    notified_entry = next((e for e in dr.entries if e["step"] == "告知"), None)
    tell = _doc_step("告知", _first(refusal_docs, facts))
    if notice_entry_date := (notified_entry["date"] if notified_entry else None):
        if tell.date is None:
            tell.date, tell.source = notice_entry_date, tell.source or "登记"
    if decision.date:
        tell.due = ctx.calendar.add_working_days(dt.date.fromisoformat(decision.date),
                                                 ctx.rules.refusal_notice_working_days).isoformat()
        tell.late = (tell.date or ctx.day) > tell.due
    reason = (refused_entry or {}).get("detail") or next(
        (facts.get(d.document_id, {}).get("refusal_reason", "") for d in refusal_docs + approval_docs
         if facts.get(d.document_id, {}).get("refusal_reason")), "")
    return tell, reason


def _check_step(docs: list[Document] | None, entry: dict[str, Any] | None, facts: dict[int, dict[str, str]],
                r: CaseRules) -> Step | None:
    """家庭经济状况核对: a filed 核对报告, or the result staff recorded (`dibao cases verify`: 符合/不符合 and
    what was found); shown where policy requires the step or the file has it."""
    paper = _first(docs, facts)
    if paper is None and entry is None:
        return Step("核对") if "核对" in r.required_steps else None
    st = Step("核对", paper.date if paper else None, document_id=paper.document_id if paper else None,
              source="档案" if paper else "")
    if entry is not None:
        st.date, st.source = st.date or entry["date"], st.source or "登记"
        result, _, found = (entry.get("detail") or "").partition("；")
        st.detail.update(result=result, found=[x for x in found.split("、") if x])
    return st


def _in_care_before(h: Household, day: str) -> bool:
    """In 保 on the day before `day` by an earlier approval (a roster's 纳入日期, a change list's 新增)."""
    before = (dt.date.fromisoformat(day[:10]) - dt.timedelta(days=1)).isoformat()
    return bool(h.approved_on and h.approved_on < day[:10]) and h.in_care_on(before)


def _first(docs: list[Document] | None, facts: dict[int, dict[str, str]]) -> Document | None:
    """The paper that shows a step: one filed by its form's QR code first, then the earliest."""
    if not docs:
        return None
    return sorted(docs, key=lambda d: ("step" not in facts.get(d.document_id, {}), d.date or "9999", d.document_id))[0]


def _notice_start(d: Document, facts: dict[int, dict[str, str]]) -> str | None:
    """The 公示's first day: the document's date (a staff correction wins), else the printed start."""
    return d.date or facts.get(d.document_id, {}).get("notice_start")


def _first_payment(h: Household, approved: str, r: CaseRules, payments_from: str | None = None) -> Step:
    payable = first_payable_month(approved, r)
    if payments_from is None or payable < payments_from:
        # no disbursement sheet on file reaches back to the month payment was due: the first payment is not
        # known (the earliest one on file is not it), so it is neither dated nor late
        return Step("首次发放", None, due=f"{payable}-01", source="发放表早于档案" if payments_from else "")
    months = sorted({m for p in h.payments for m in p.months() if m >= approved[:7]})
    paid = months[0] if months else None  # before `payable` is paid_before_start; after it, a late start
    return Step("首次发放", f"{paid}-01" if paid else None, due=f"{payable}-01",
                late=bool(paid and paid > payable), source="发放表" if paid else "")


# ---------------------------------------------------------------------- 停保, 调整
def _other_cases(h: Household, ctx: Context) -> list[Case]:
    """One case per 停保 / 调增 / 调减 event, with the 停保/调整 公示 filed in the 60 days before it."""
    notices = [(ctx.facts[d.document_id]["notice_kind"], d) for d in h.documents
               if d.document_id in ctx.facts and ctx.facts[d.document_id].get("notice_kind")]
    out = []
    for e in h.events:
        detail: dict[str, Any]
        if e.kind in STOP_KINDS:
            kind, detail = "停保", {"reason": e.reason} if e.reason else {}
        elif e.kind in ("调增", "调减"):
            kind, detail = "调整", {"change": e.kind, "from": e.old_amount, "to": e.new_amount}
        else:
            continue
        steps = []
        window = (dt.date.fromisoformat(e.date) - dt.timedelta(days=60)).isoformat()
        for k, d in notices:
            start = _notice_start(d, ctx.facts)
            if k == kind and start and window <= start <= e.date:
                steps.append(Step("公示", start, ctx.facts[d.document_id].get("notice_end"), d.document_id, source="档案"))
        steps.append(Step("审批", e.date, source="变动名册", detail=detail))
        out.append(Case(kind, "批准", steps))
    return out


# ---------------------------------------------------------------------- due list
def due_steps(cat: Catalog, households: list[Household], policy: Policy, day: str | None = None) -> dict[str, Any]:
    """Steps coming due or overdue, soonest first: decisions not yet made, refusal letters not yet sent,
    公示 still on the board (due = its last day)."""
    ctx = Context.load(cat, households, policy, day)
    rows: list[dict[str, Any]] = []
    for h in households:
        for c in for_household(h, ctx):
            for s in c.steps:
                pending = s.due and not s.date and s.step in ("审批", "告知") and c.outcome != "批准"
                posted = s.step == "公示" and s.end and s.end >= ctx.day
                if pending or posted:
                    due = s.due if pending else s.end
                    assert due is not None
                    rows.append({"household_id": h.key, "head_name": h.head_name, "township": h.township,
                                 "village": h.village, "kind": c.kind, "step": s.step, "due": due,
                                 "late": due < ctx.day, "applied": c.applied})
    from . import stops

    rows += stops.due_rows(cat, households, policy, ctx.day)  # stop notices not yet given, 渐退 run out
    rows.sort(key=lambda x: (x["due"], x["household_id"]))
    return {"day": ctx.day, "steps": rows, "calendar_unknown_years": sorted(ctx.calendar.unknown_years)}


def year_counts(cat: Catalog, households: list[Household], policy: Policy, year: int) -> dict[str, int]:
    """What the year's 新增 cases show, for a summary that must not assert more than the files do:
    approved cases, those with a 公示 on file, those whose every 公示 ran the full period, those decided
    within the working-day limit."""
    ctx = Context.load(cat, households, policy, f"{year}-12-31")
    out = {"approved": 0, "with_notice": 0, "notice_full": 0, "in_time": 0, "refused": 0}
    for h in households:
        for c in for_household(h, ctx):
            if c.kind != "新增" or not (c.decided or "").startswith(str(year)):
                continue
            if c.outcome == "不予批准":
                out["refused"] += 1
                continue
            out["approved"] += 1
            notices = [s for s in c.all("公示") if s.document_id is not None]
            out["with_notice"] += bool(notices)
            out["notice_full"] += bool(notices) and all(s.detail.get("days", 0) >= ctx.rules.notice_days for s in notices)
            decision = c.step("审批")
            out["in_time"] += bool(decision and decision.due and not decision.late)
    return out
