"""Irregularity checks (what inspectors look for), each with a code from CONTRACT.md and a plain-Chinese
explanation. Read-only over the catalog; the reference day is 31 Dec of --year, else today."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from archiver import idcard
from archiver.catalog import Catalog, registers
from archiver.catalog.models import STOP_KINDS, Household, today
from archiver.months import month_end
from archiver.policy import Policy
from archiver.privacy import mask_account, mask_id

from . import basis, completeness, id_checks, procedure, relatives, stats
from .caserules import month_payable

TITLES = {
    "same_person_two_households": "同一人在两户中享受低保",
    "shared_bank_account": "两户使用同一银行账户",
    "paid_after_stop": "停保后仍有发放",
    "amount_mismatch": "发放金额与核定金额不符",
    "overdue_review": "逾期未复核",
    "incomplete_file": "档案材料不全",
    "unregistered_cadre_relative": "村干部近亲属未备案",
    "over_age_or_deceased": "超龄或已故人员仍计入保障",
    "paid_after_death": "死亡后仍发放低保金",
    **procedure.TITLES,
    **id_checks.TITLES,
}


@dataclass
class Finding:
    code: str
    households: list[str]
    message: str
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"code": self.code, "title": TITLES.get(self.code, self.code), "households": self.households,
                "message": self.message, **({"detail": self.detail} if self.detail else {})}


def run(cat: Catalog, scope: str | None, year: int | None, policy: Policy) -> list[Finding]:
    if scope:
        stats.load(cat, year or dt.date.today().year, scope)  # raises UnknownScope with a clear message
    households = cat.households(stats.area(cat, scope), full=True)
    day = f"{year}-12-31" if year else today()
    active = [h for h in households if h.in_care_on(day)]
    out: list[Finding] = []
    out += _same_person(cat, active, day)
    out += _shared_account(households, year)
    dead = {d.id_number: d.died_on for d in registers.deaths(cat).values()}
    out += _payments(households, year, policy, dead)
    out += _deaths(households, day, dead)
    listed = relatives.listed_people(cat)
    out += _register(active, day, listed)
    out += procedure.run(cat, households, year, policy)
    out += [Finding(*f) for f in id_checks.findings(households, year)]
    for h in active:
        if stats.is_overdue(h, day, policy):
            since = stats.last_review_or_start(h, day)
            out.append(Finding("overdue_review", [h.key], f"{h.village}{h.head_name}户（{h.category}类）上次复核或审批为{since}，"
                                                          f"已超过{policy.review_months.get(h.category or '', 0)}个月未复核。"))
        lacking = completeness.missing(h, policy)
        if lacking:
            out.append(Finding("incomplete_file", [h.key], f"{h.village}{h.head_name}户档案缺少：{'、'.join(lacking)}。",
                               {"missing": lacking}))
        for m in h.members_on(day):
            if "干部" in (m.identity or "") and not m.cadre_relative and (m.id_number or "") not in listed:
                out.append(Finding("unregistered_cadre_relative", [h.key],
                                   f"{h.village}{h.head_name}户成员{m.name}登记为村干部近亲属，但没有近亲属备案记录。"))
            try:
                age = idcard.parse(m.id_number).age_on(dt.date.fromisoformat(day))
            except idcard.IDError:
                continue
            if age > 100 or (m.health or "").startswith(("死亡", "已故")):
                out.append(Finding("over_age_or_deceased", [h.key], f"{h.village}{h.head_name}户成员{m.name}"
                                   f"{'年龄' + str(age) + '岁' if age > 100 else '已故'}，仍计入保障，请核实。"))
    return out


def _same_person(cat: Catalog, active: list[Household], day: str) -> list[Finding]:
    where: dict[str, list[Household]] = defaultdict(list)
    for h in active:
        for m in h.members_on(day):
            if m.id_number:  # a member without an ID number (无户口) is never matched by ID
                where[m.id_number].append(h)
    out = []
    for number, hs in where.items():
        keys = sorted({h.key for h in hs})
        if len(keys) > 1:
            names = "、".join(f"{h.village}{h.head_name}户" for h in hs)
            out.append(Finding("same_person_two_households", keys,
                               f"身份证号{mask_id(number)}的人员同时在{names}中享受低保。", {"id_number": mask_id(number)}))
    return out


def _shared_account(households: list[Household], year: int | None) -> list[Finding]:
    owners: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for h in households:
        accounts = {p.bank_account for p in h.payments if p.bank_account and (year is None or p.period_start[:4] == str(year))}
        if h.bank_account and year is None:
            accounts.add(h.bank_account)
        for a in accounts:
            owners[a].add(h.key)
            names[h.key] = f"{h.village}{h.head_name}户"
    return [Finding("shared_bank_account", sorted(keys), f"银行账号{mask_account(a)}同时用于"
                    f"{'、'.join(names[k] for k in sorted(keys))}的低保金发放。", {"account": mask_account(a)})
            for a, keys in owners.items() if len(keys) > 1]


def _payments(households: list[Household], year: int | None, policy: Policy,
              dead: dict[str, str | None]) -> list[Finding]:
    """Each payment row against the months it covers: a month is due, while the household is owed payment
    (changes count from their 执行月份) and payable (caserules: from the month after approval), at the amount
    the basis gives on its last day (the rosters' stated amount where income or tier is not on file), nothing
    after it stopped. A row is compared whole, so a quarterly row spanning a mid-quarter standard rise is due
    the sum of its months; one amount_mismatch per household lists the months and the difference."""
    out = []
    r = basis.rules(policy)
    for h in households:
        stops = [basis.effective_date(e) for e in h.events if e.kind in STOP_KINDS]
        rows: list[dict] = []
        for p in h.payments:
            if year is not None and p.period_start[:4] != str(year):
                continue
            due = 0.0
            after_stop = []
            unknown = ineligible = False
            for ym in p.months():
                end = month_end(*map(int, ym.split("-"))).isoformat()
                if month_payable(h, ym, policy):
                    amount, b = basis.due_for_month(h, ym, policy, r, dead)
                    unknown |= amount is None
                    due += amount or 0.0
                    # nothing due by the computation itself (income at the line, 渐退 over)
                    ineligible |= b.mode != basis.STATED and b.due_monthly == 0
                elif not h.due_on(end) and any(s < end for s in stops):
                    after_stop.append(ym)
            if unknown:
                continue  # no roster or change tells what was due then: nothing to compare against
            excess = p.amount - due
            if after_stop and excess > 0.5:
                out.append(Finding("paid_after_stop", [h.key], f"{h.village}{h.head_name}户已于{max(stops)}停保，"
                                   f"但{p.period_start}至{p.period_end}仍发放{p.amount:.2f}元（停保后月份应发0元）。",
                                   {"period": f"{p.period_start}~{p.period_end}", "amount": p.amount, "excess": round(excess, 2)}))
            elif abs(excess) > 0.5 and (due > 0 or ineligible):
                rows.append({"period": f"{p.period_start}~{p.period_end}", "months": p.months(), "paid": p.amount,
                             "due": round(due, 2), "difference": round(excess, 2)})
        if rows:
            months = [m for row in rows for m in row["months"]]
            diff = round(sum(row["difference"] for row in rows), 2)
            spans = "、".join(f"{row['period'].replace('~', '至')}实发{row['paid']:.2f}元、应发{row['due']:.2f}元"
                             for row in rows)
            word = "多发" if diff > 0 else "少发"
            out.append(Finding("amount_mismatch", [h.key], f"{h.village}{h.head_name}户发放金额与核定金额不符：{spans}，"
                               f"合计{word}{abs(diff):.2f}元。", {"months": months, "difference": diff, "rows": rows}))
    return out


def _deaths(households: list[Household], day: str, dead: dict[str, str | None]) -> list[Finding]:
    """A member on a death or cremation list still counted (present, covered) after the date of death: in
    a household paid for months after it, or still in 保 on the reference day."""
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


def _register(active: list[Household], day: str, listed: dict) -> list[Finding]:
    """A person on the county's cadre register in a household in 保 whose file lacks the 近亲属备案 flag."""
    out = []
    for h in active:
        for m in h.members_on(day):
            e = listed.get(m.id_number or "")
            if e is None or m.cadre_relative:
                continue
            who = (f"本人为{e.village}{e.post or '干部'}，在干部名册中" if e.relation == "本人" else
                   f"系{e.village}{e.cadre_name}（{e.post or '干部'}）的{e.relation}，在干部近亲属名册中")
            out.append(Finding("unregistered_cadre_relative", [h.key],
                               f"{h.village}{h.head_name}户成员{m.name}{who}，但本户档案没有近亲属备案标记。",
                               {"relation": e.relation, "cadre": e.cadre_name}))
    return out


def report_context(cat: Catalog, scope: str | None, year: int | None, policy: Policy) -> dict:
    """Figures for the inspection report (检查通报), per township and village."""
    from .documents import cn_date

    findings = run(cat, scope, year, policy)
    day = f"{year}-12-31" if year else today()
    active = [h for h in cat.households(stats.area(cat, scope), full=True) if h.in_care_on(day)]
    per_household: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        for k in f.households:
            per_household[k].append(f)
    areas: dict[tuple[str, str], list[Household]] = defaultdict(list)
    for h in active:
        areas[(h.township, h.village)].append(h)
    area_rows = []
    for (t, v), hs in sorted(areas.items()):
        complete = sum(1 for h in hs if not completeness.missing(h, policy))
        area_rows.append({"township": t, "village": v, "checked": len(hs), "complete": complete,
                          "rate": f"{complete / len(hs) * 100:.1f}%", "findings": sum(len(per_household[h.key]) for h in hs)})
    counts: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        counts[f.code].append(f)
    finding_rows = [{"title": TITLES.get(c, c), "count": len(fs), "example": "例如：" + fs[0].message}
                    for c, fs in sorted(counts.items(), key=lambda x: -len(x[1]))]
    if not finding_rows:
        finding_rows = [{"title": "未发现问题", "count": 0, "example": ""}]
    heads = {h.key: h for h in cat.households(stats.area(cat, scope))}
    worst = sorted(per_household.items(), key=lambda x: -len(x[1]))[:10]
    worst_rows = [{"household_id": k, "village": heads[k].village if k in heads else "", "head": heads[k].head_name if k in heads else "",
                   "count": len(fs), "problems": "、".join(sorted({TITLES.get(f.code, f.code) for f in fs}))} for k, fs in worst]
    complete_all = sum(int(str(r["complete"])) for r in area_rows)
    register_rows = [{"cadre": f"{r['cadre_name']}（{r['post'] or '干部'}）", "village": r["village"], "name": r["name"],
                      "relation": r["relation"], "households": "、".join(r["households"]),
                      "declared": r["declared_on"] or "未备案", "checked": r["checked_on"] or "未核查",
                      "flag": "已标记" if r["flagged"] else "未标记"}
                     for r in relatives.register_households(cat, day, stats.area(cat, scope)) if r["households"]]
    return {"office": policy.office_name, "scope_label": scope or "全县", "year": year or dt.date.today().year,
            "date_checked": cn_date(day), "date_signed": cn_date(today()), "checked": len(active), "complete": complete_all,
            "rate": f"{complete_all / max(len(active), 1) * 100:.1f}%", "area_rows": area_rows, "finding_rows": finding_rows,
            "worst_rows": worst_rows, "register_rows": register_rows, "review_a": policy.review_months.get("A", 12),
            "review_b": policy.review_months.get("B", 6), "review_c": policy.review_months.get("C", 3)}
