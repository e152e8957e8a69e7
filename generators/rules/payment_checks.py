"""The payment checks of an inspection: each payment row against what was due (amount_mismatch,
paid_after_stop, payment_precision), money paid after a death, and the one rule that folds an overpayment
seen by several checks into its cause (`merge_overpaid`)."""

from __future__ import annotations

from collections import defaultdict

from archiver.catalog.models import STOP_KINDS, Household
from archiver.months import last_day

from . import basis
from .caserules import Payable
from .caserules import rules as case_rules
from .findings import Finding, Scan

ROUNDING_STEP = {"元": 1.0, "角": 0.1, "分": 0.01}  # policy [basis] rounding → the smallest amount it distinguishes


def payments(scan: Scan) -> list[Finding]:
    """Each payment row against the months it covers: a month is due, while the household is owed payment
    (changes count from their 执行月份) and payable (caserules: from the month after approval), at the amount
    the basis gives on its last day (the rosters' stated amount where income or tier is not on file), nothing
    after it stopped. A row is compared whole, so a quarterly row spanning a mid-quarter standard rise is due
    the sum of its months; each amount_mismatch names the row's months and the difference (+ over, − under)."""
    households, year, policy, dead = scan.households, scan.year, scan.policy, scan.dead
    out = []
    r = basis.rules(policy)
    cr = case_rules(policy)
    ys = str(year)
    step = ROUNDING_STEP.get(r.rounding, 0.01)
    finer: set[str] = set()  # households paid to a finer step than the policy rounds to (one note, not a finding each)
    for h in households:
        rows = [(p, p.months()) for p in h.payments if year is None or p.period_start[:4] == ys]
        if not rows:
            continue
        stops = [basis.effective_date(e) for e in h.events if e.kind in STOP_KINDS]
        payable = Payable(h, cr)
        stated = basis.stated_only(h, r)
        # a household paid the stated amount whose facts do not change from the first month of its rows to
        # the last, the first payable: every month of every row is payable at that amount (what the month by
        # month loop below finds, added the same way), so it is read once
        steady = _steady_amount(h, [ms for _, ms in rows if ms], payable) if stated else None
        for p, months in rows:
            due = 0.0
            after_stop = []
            unknown = ineligible = False
            each = steady if months else None
            if each is None and stated and months and payable(months[0]):
                each = _steady_amount(h, [months], payable)  # the same, row by row
            if each is not None:
                amount = each[0]
                unknown = amount is None
                for _ in months:
                    due += amount or 0.0
                months = []
            for ym in months:
                if payable(ym):
                    amount, nothing_due = basis.payable_month_due(h, ym, policy, r, dead)
                    unknown |= amount is None
                    due += amount or 0.0
                    # nothing due by the computation itself (income at the line, 渐退 over)
                    ineligible |= nothing_due
                elif not h.due_on(end := last_day(ym)) and any(s < end for s in stops):
                    after_stop.append(ym)
            if unknown:
                continue  # no roster or change tells what was due then: nothing to compare against
            excess = p.amount - due
            # less than one rounding step a month apart: the office paid to the fen what policy rounds to
            # the yuan (1,677.33 against 1,677), no money wrongly paid
            within = abs(excess) < max(step * max(len(p.months()), 1), 0.5)
            if within and abs(excess) >= 0.005 and not after_stop:
                finer.add(h.key)
            if after_stop and excess > 0.5:
                out.append(Finding("paid_after_stop", [h.key], f"{h.village}{h.head_name}户已于{max(stops)}停保，"
                                   f"但{p.period_start}至{p.period_end}仍发放{p.amount:.2f}元（停保后月份应发0元）。",
                                   {"period": f"{p.period_start}~{p.period_end}", "amount": p.amount, "excess": round(excess, 2)}))
            elif not within and (due > 0 or ineligible):
                word = "多发" if excess > 0 else "少发"
                out.append(Finding("amount_mismatch", [h.key], f"{h.village}{h.head_name}户{p.period_start}至{p.period_end}"
                                   f"实发{p.amount:.2f}元，按核定金额应发{due:.2f}元，{word}{abs(excess):.2f}元。",
                                   {"period": f"{p.period_start}~{p.period_end}", "months": p.months(), "paid": p.amount,
                                    "due": round(due, 2), "difference": round(excess, 2), "excess": round(excess, 2)}))
    if finer:
        out.append(Finding("payment_precision", [], f"发放金额精确到分，与政策取整方式（按{r.rounding}取整）不同："
                           f"{len(finer)}户的发放额与核定金额相差不足每月一个取整单位，不作为多发少发，请统一取整方式。",
                           {"households": len(finer), "rounding": r.rounding}))
    return out


def _steady_amount(h: Household, spans: list[list[str]], payable: Payable) -> tuple[float | None] | None:
    """(stated amount,) due for every month from the earliest of `spans` to the latest, when the earliest is
    payable and no fact of the household takes effect in between; None otherwise."""
    if not spans:
        return None
    first, last = min(ms[0] for ms in spans), max(ms[-1] for ms in spans)
    if not payable(first) or not h.same_between(last_day(first), last_day(last)):
        return None
    return (basis.stated_amount(h, last_day(first)),)


def deaths(scan: Scan) -> list[Finding]:
    """A member on a death or cremation list still counted (present, covered) after the date of death: in
    a household paid for months after it, or still in 保 on the reference day."""
    households, day, dead = scan.households, scan.day, scan.dead
    out = []
    for h in households:
        for m in h.members:
            if not m.id_number or m.id_number not in dead or not m.covered:
                continue
            died = dead[m.id_number] or ""
            if died and died >= day:
                continue
            paid = sorted({ym for p in h.payments for ym in p.months()
                           if died < basis.month_end(ym) and ym <= day[:7] and m.present_on(basis.month_end(ym))})
            still = h.in_care_on(day) and m.present_on(day)
            if not paid and not still:
                continue
            when = f"已于{died}死亡" if died else "已列入死亡（火化）名单"
            tail = f"，其后仍发放{len(paid)}个月（{paid[0]}至{paid[-1]}）" if paid else "，仍计入保障人数"
            out.append(Finding("paid_after_death", [h.key], f"{h.village}{h.head_name}户成员{m.name}{when}{tail}，请核实并追回。",
                               {"died_on": died or None, "months": paid}))
    return out


# what explains an overpayment, most specific first: a household-period of money overpaid is one finding
OVERPAID_BY = ("paid_after_death", "paid_after_stop", "paid_before_start")


def merge_overpaid(findings: list[Finding]) -> list[Finding]:
    """One finding per household-period of overpaid money, whichever checks saw it: an amount_mismatch on
    the same household and months as a paid_before_start / paid_after_death (the cause) is folded into it
    (`detail.also` names the check), so the report and the summary count and recover it once."""
    months_of: dict[str, list[tuple[set[str], Finding]]] = defaultdict(list)
    for f in findings:
        if f.code in OVERPAID_BY and f.households:
            months = set(f.detail.get("months") or [])
            for row in f.detail.get("rows") or []:
                months |= _period_months(str(row.get("period", "")))
            months |= _period_months(str(f.detail.get("period", "")))
            months_of[f.households[0]].append((months, f))
    out = []
    for f in findings:
        if f.code == "amount_mismatch" and f.households and float(f.detail.get("difference", 0)) > 0:
            mine = set(f.detail.get("months") or []) | _period_months(str(f.detail.get("period", "")))
            cause = next((c for months, c in months_of.get(f.households[0], []) if months & mine), None)
            if cause is not None:
                cause.detail.setdefault("also", []).append({"code": f.code, "period": f.detail.get("period"),
                                                            "difference": f.detail.get("difference")})
                continue
        out.append(f)
    return out


def _period_months(period: str) -> set[str]:
    """'2025-01~2025-03' (or with days) → the months it spans."""
    if "~" not in period:
        return set()
    a, b = (x.strip()[:7] for x in period.split("~", 1))
    out: set[str] = set()
    y, m = int(a[:4]), int(a[5:7])
    while f"{y:04d}-{m:02d}" <= b and len(out) < 240:
        out.add(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
