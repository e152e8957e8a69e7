"""Irregularity checks (what inspectors look for), each with a code from CONTRACT.md and a plain-Chinese
explanation. Read-only over the catalog; the reference day is 31 Dec of --year, else today."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from archiver import gcpause, idcard
from archiver.catalog import Catalog, registers
from archiver.catalog.models import STOP_KINDS, Household, today
from archiver.months import iso_day, last_day
from archiver.policy import Policy
from archiver.privacy import mask_account, mask_id

from . import stats
from .progress import Progress, Steps
from .rules import basis, completeness, id_checks, objections, procedure, relatives, review_clock, stops
from .rules.caserules import Payable
from .rules.caserules import rules as case_rules

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
    "payment_precision": "发放金额取整方式与政策不同",
    **procedure.TITLES,
    **id_checks.TITLES,
    **objections.TITLES,
    **stops.TITLES,
}


ROUNDING_STEP = {"元": 1.0, "角": 0.1, "分": 0.01}  # policy [basis] rounding → the smallest amount it distinguishes
# codes that are county notes, not problems of a household (no household named, not counted as problems)
NOTES = {"payment_precision", "calendar_year_unknown"}


@dataclass
class Finding:
    code: str
    households: list[str]
    message: str
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"code": self.code, "title": TITLES.get(self.code, self.code), "households": self.households,
                "message": self.message, **({"detail": self.detail} if self.detail else {})}


@gcpause.paused()
def run(cat: Catalog, scope: str | None, year: int | None, policy: Policy,
        households: list[Household] | None = None) -> list[Finding]:
    """`households` (the scope's, loaded with payments) lets a caller that already holds them, such as the
    year-end summary, spare loading the archive again."""
    if households is None:
        households = cat.households(stats.area(cat, scope), full=True)  # AreaProblem with a clear message
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
    out += [Finding(*f) for f in objections.findings(cat, households, year, policy)]
    out += [Finding(*f) for f in stops.findings(cat, households, year, policy)]
    reference = dt.date.fromisoformat(day)
    for h in active:
        if review_clock.is_overdue(h, day, policy):
            since = review_clock.last_review_or_start(h, day)
            klass = f"{h.category}类" if policy.review_months.get(h.category or "") else f"{review_clock.UNCLASSIFIED}，请确定分类"
            out.append(Finding("overdue_review", [h.key], f"{h.village}{h.head_name}户（{klass}）上次复核或审批为{since}，"
                                                          f"已超过{review_clock.review_interval(h, policy)}个月未复核。"))
        lacking = completeness.missing(h, policy)
        if lacking:
            out.append(Finding("incomplete_file", [h.key], f"{h.village}{h.head_name}户档案缺少：{'、'.join(lacking)}。",
                               {"missing": lacking}))
        for m in h.members_on(day):
            if "干部" in (m.identity or "") and not m.cadre_relative and (m.id_number or "") not in listed:
                out.append(Finding("unregistered_cadre_relative", [h.key],
                                   f"{h.village}{h.head_name}户成员{m.name}登记为村干部近亲属，但没有近亲属备案记录。"))
            try:  # the birth date stored at import (from the ID number) spares parsing every number again
                birth = iso_day(m.birth_date) if m.birth_date else idcard.parse(m.id_number).birth_date
            except (idcard.IDError, ValueError):
                continue
            age = idcard.age_on(birth, reference)
            if age > 100 or (m.health or "").startswith(("死亡", "已故")):
                out.append(Finding("over_age_or_deceased", [h.key], f"{h.village}{h.head_name}户成员{m.name}"
                                   f"{'年龄' + str(age) + '岁' if age > 100 else '已故'}，仍计入保障，请核实。"))
    return merge_overpaid(out)


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


def _same_person(cat: Catalog, active: list[Household], day: str) -> list[Finding]:
    where: dict[str, list[Household]] = defaultdict(list)
    for h in active:
        for m in h.members_on(day):
            if m.id_number:  # a member without an ID number (无户口) is never matched by ID
                where[m.id_number].append(h)
    out = []
    for number, hs in where.items():
        if len(hs) < 2:
            continue  # one household: nothing to compare (the common case, checked before any set is built)
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
    the sum of its months; each amount_mismatch names the row's months and the difference (+ over, − under)."""
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


def render(cat: Catalog, scope: str | None, year: int | None, policy: Policy, out: Path, home_templates: Path | None,
           checked: tuple[dt.date, dt.date] | None = None, progress: Progress | None = None,
           signed: dt.date | None = None) -> tuple[Path, dict]:
    """The 检查通报 .docx and the figures it was made from; `progress` hears its three steps. `signed` is its
    成文日期 (default: today)."""
    from .documents import render_docx

    ctx = report_context(cat, scope, year, policy, checked, progress, steps=3, signed=signed)
    if progress is not None:
        progress("生成Word文档", 2, 3)
    return render_docx("inspection.docx", home_templates, ctx, out), ctx


def report_context(cat: Catalog, scope: str | None, year: int | None, policy: Policy,
                   checked: tuple[dt.date, dt.date] | None = None, progress: Progress | None = None,
                   steps: int = 2, signed: dt.date | None = None) -> dict:
    """Figures for the inspection report (检查通报), per township and village. `checked` is when the inspection
    took place (distinct from the reference day the figures are taken on); unknown, it is a 【待填写】 prompt.
    `progress` hears its steps (checking, then the tables; of `steps`: render adds its own)."""
    from .documents import cn_date
    from .gongwen import frame, money, prose

    step = Steps(progress, steps)
    step("逐户检查档案和发放")
    # a note on the calendar is for the command line (it names settings), not for the 通报
    findings = [f for f in run(cat, scope, year, policy) if f.code != "calendar_year_unknown"]
    step("按乡镇、村汇总排名")
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
    finding_rows = [{"title": TITLES.get(c, c), "count": len(fs),
                     "example": ("例如：" if len(fs) > 1 else "") + prose(fs[0].message)}
                    for c, fs in sorted(counts.items(), key=lambda x: -len(x[1]))]
    if not finding_rows:
        finding_rows = [{"title": "未发现问题", "count": 0, "example": ""}]
    heads = {h.key: h for h in cat.households(stats.area(cat, scope))}
    worst = sorted(per_household.items(), key=lambda x: -len(x[1]))[:10]
    worst_rows = [{"household_id": k, "village": heads[k].village if k in heads else "", "head": heads[k].head_name if k in heads else "",
                   "count": len(fs), "problems": "、".join(sorted({TITLES.get(f.code, f.code) for f in fs}))} for k, fs in worst]
    complete_all = sum(int(str(r["complete"])) for r in area_rows)
    towns: dict[str, dict] = {}
    for row in area_rows:
        town = towns.setdefault(str(row["township"]), {"township": row["township"], "checked": 0, "complete": 0,
                                                       "findings": 0, "problem_households": 0})
        for field_name in ("checked", "complete", "findings"):
            town[field_name] += int(str(row[field_name]))
    for h in active:
        towns[h.township]["problem_households"] += bool(per_household.get(h.key))
    township_rows = sorted(towns.values(), key=lambda x: (-x["complete"] / max(x["checked"], 1), x["findings"], x["township"]))
    for rank, town in enumerate(township_rows, 1):
        town["rank"] = rank
        town["rate"] = f"{town['complete'] / max(town['checked'], 1) * 100:.1f}%"
    recover_rows: list[dict] = []
    for f in findings:
        if f.code not in ("paid_after_stop", "amount_mismatch", "paid_before_start"):
            continue
        rows = f.detail.get("rows") or [f.detail]  # paid_before_start names each row it found
        for row in rows:
            paid = float(row.get("paid", row.get("amount", 0)) or 0)
            excess = float(row.get("excess", paid - float(row.get("due", paid))) or 0)
            if excess <= 0.5:
                continue
            k = f.households[0]
            recover_rows.append({"household_id": k, "village": heads[k].village if k in heads else "",
                                 "head": heads[k].head_name if k in heads else "", "period": prose(str(row.get("period", ""))),
                                 "paid": money(paid), "due": money(paid - excess), "excess": money(excess), "amount": excess})
    recover_total = sum(float(r["amount"]) for r in recover_rows)
    signed = signed or dt.date.today()
    reference = dt.date.fromisoformat(day)
    register_rows = [{"cadre": f"{r['cadre_name']}（{r['post'] or '干部'}）", "village": r["village"], "name": r["name"],
                      "relation": r["relation"], "households": "、".join(r["households"]),
                      "declared": prose(r["declared_on"]) if r["declared_on"] else "未备案",
                      "checked": prose(r["checked_on"]) if r["checked_on"] else "未核查",
                      "flag": "已标记" if r["flagged"] else "未标记"}
                     for r in relatives.register_households(cat, day, stats.area(cat, scope)) if r["households"]]
    doc = frame(policy, signed, year)
    return {"office": doc["issuer"], "frame": doc, "scope_label": scope or "全县", "year": year or dt.date.today().year,
            "doc_number": doc["doc_number"],
            "addressee": "各乡镇人民政府、街道办事处：" if not scope else "【待填写：主送机关】：",
            "township_intro": "各乡镇（街道）情况及排名如下：" if len(township_rows) > 1 else "各村（社区）情况如下：",
            "village_table_no": 2 if len(township_rows) > 1 else 1,
            "period_text": (f"{cn_date(checked[0].isoformat())}至{cn_date(checked[1].isoformat())}" if checked
                            else "【待填写：检查起止日期】"), "date_reference": cn_date(day),
            "method_text": (f"本次检查以{cn_date(day)}在保的{len(active)}户为范围，逐户查阅全部档案（全面检查，共{len(active)}户，占在保户数100%），"
                            f"并将{reference.year}年全部发放记录与核定金额逐月比对，同时核查重复享受、共用账户、逾期复核和近亲属备案情况。"),
            "date_checked": cn_date(day), "date_signed": doc["signed"], "checked": len(active), "complete": complete_all,
            "rate": f"{complete_all / max(len(active), 1) * 100:.1f}%", "area_rows": area_rows, "finding_rows": finding_rows,
            "findings_total": len(findings), "problem_households": len(per_household), "township_rows": township_rows,
            "worst_rows": worst_rows, "register_rows": register_rows, "recover_rows": recover_rows, "recover_total": money(recover_total),
            "recover_text": (f"对实发超过应发的{len(recover_rows)}笔发放，共{money(recover_total)}元（明细见附件2），由所在乡镇（街道）"
                             f"于{cn_date((signed + dt.timedelta(days=30)).isoformat())}前追回，缴回财政专户。" if recover_rows
                             else "本次检查未发现实发超过应发的情况。"),
            "objections_text": "异议、信访和举报办理情况：" + objections.sentence(objections.counts(
                cat, stats.area(cat, scope), f"{reference.year}-01-01", day)).replace("全年", f"{reference.year}年", 1),
            "rectify_by": cn_date((signed + dt.timedelta(days=30)).isoformat()),
            "report_by": cn_date((signed + dt.timedelta(days=40)).isoformat()),
            "review_a": policy.review_months.get("A", 12),
            "review_b": policy.review_months.get("B", 6), "review_c": policy.review_months.get("C", 3)}
