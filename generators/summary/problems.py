"""存在问题 and 下一步打算: what `inspect` found in the year, each problem with its answer, and whether the
year's new cases ran their 公示 (read from the case timeline)."""

from __future__ import annotations

from collections import defaultdict

from archiver.catalog import Catalog
from archiver.catalog.models import Household
from archiver.policy import Policy, notice_length

from .. import gongwen, inspection
from ..rules import checks, objections
from ..rules.caserules import posted_days
from ..rules.findings import Finding
from .figures import TODO

# what the next year's plan says for each problem `inspect` found: (sentence with {n} households / {money})
ANSWERS = {
    "amount_mismatch": "逐户核对发放金额与核定金额不符的{n}户，多发的限期追回、少发的及时补发，{month}底前完成",
    "paid_after_stop": "对停保后仍有发放的{n}户立即停发，追回多发资金{money}元",
    "overdue_review": "对逾期未复核的{n}户在{month}底前完成复核，此后严格按分类周期复核",
    "incomplete_file": "为档案材料不全的{n}户补齐申请书、入户调查表、审批表等必备材料",
    "same_person_two_households": "清理同一人在两户中享受低保的{n}户，只保留一处",
    "shared_bank_account": "核实共用银行账户的{n}户，改为本人账户发放",
    "unregistered_cadre_relative": "为未备案的村干部近亲属{n}户补办备案并重点核查",
    "over_age_or_deceased": "核实超龄或已故仍计入保障的{n}户，及时减员或停保",
    "notice_period_short": "严格执行公示{days}天的规定，对公示期不足的{n}户补正程序",
    "approved_before_notice_end": "杜绝公示期未满即审批，对涉及的{n}户补正程序",
    "case_overdue": "按时限办结审核审批，对超期办理的{n}户查明原因",
    "missing_step": "补齐缺少程序材料的{n}户",
    "paid_before_start": "核实审批当月及以前即发放的{n}户，多发的限期追回",
    "paid_after_death": "对死亡后仍发放的{n}户立即停发，追回多发资金",
    "payment_precision": "统一发放金额的取整方式，与政策规定一致",
    "too_few_investigators": "入户调查严格落实2人以上共同调查，对涉及的{n}户补正",
    "refusal_notice_late": "不予批准的在3个工作日内书面告知并说明理由",
}
# notes for staff at the command line, never a 公文's sentence (they name settings)
NOT_IN_DOCUMENTS = {"calendar_year_unknown"}


def notice_periods(cat: Catalog, households: list[Household], year: int, policy: Policy) -> tuple[int, int] | None:
    """(新增 cases approved in the year, those whose 公示 ran fewer than the policy's days or is not on file), read
    from the case timeline (generators/rules/cases.py) of the households with a 新增 in the year — None when there is
    none, and then the summary says nothing about 公示."""
    from ..rules import cases

    first, last = f"{year}-01-01", f"{year}-12-31"
    new = [h for h in households if any(e.kind in ("新增", "恢复") and first <= e.date <= last for e in h.events)]
    if not new:
        return None
    ctx = cases.Context.load(cat, new, policy)
    total = short = 0
    for h in new:
        for case in cases.for_household(h, ctx):
            approved = case.decided
            if case.kind != "新增" or case.outcome != "批准" or not approved or not first <= approved <= last:
                continue
            total += 1
            notice = case.step("公示")
            if not notice or not notice.date or not notice.end or \
                    posted_days(notice.date, notice.end) < notice_length(policy):
                short += 1
    return (total, short) if total else None


def findings_by_code(cat: Catalog, year: int, scope: str | None, policy: Policy,
              households: list[Household]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in inspection.run(cat, scope, year, policy, households):
        out[f.code].append(f)
    return out


def problems_and_plans(findings: dict[str, list[Finding]], s: dict, policy: Policy,
                       year: int) -> tuple[list[str], list[str]]:
    """存在问题 from inspect, each with its answer in 下一步打算."""
    problems, plans = [], []
    month = f"{year + 1}年3月"
    for code, items in sorted(findings.items(), key=lambda x: -len(x[1])):
        if code in NOT_IN_DOCUMENTS or not items:
            continue
        n = len({k for f in items for k in f.households})
        title = checks.title(code)
        if not n:  # a county note (payment_precision): its own sentence, once
            problems.append(items[0].message)
            plans.append(ANSWERS.get(code, "对“{title}”逐项核实整改").format(title=title) + "。")
            continue
        text = f"{title}{len(items)}处，涉及{n}户"
        money = sum(float(f.detail.get("excess", 0) or 0) for f in items)
        if code == "amount_mismatch":
            over = sum(max(float(f.detail.get("paid", 0)) - float(f.detail.get("due", 0)), 0) for f in items)
            text += f"（多发合计{gongwen.money(over)}元）" if over else ""
        if code == "paid_after_stop":
            text += f"（停保后发放{gongwen.money(money)}元）"
        problems.append(text + "。")
        plan = ANSWERS.get(code, "对“{title}”逐户核实整改，涉及{n}户").format(
            n=n, month=month, money=gongwen.money(money), days=notice_length(policy), title=title)
        plans.append(plan + "。")
    persons = max(sum(s["by_age_band"].values()), 1)
    working = s["by_age_band"].get("working_age", 0) / persons * 100
    if working >= 30:
        problems.append(f"劳动年龄段保障对象{s['by_age_band']['working_age']}人，占{working:.1f}%，就业帮扶有待加强。")
        plans.append("对有劳动能力的保障对象开展就业帮扶，符合条件的落实低保渐退。")
    return problems, plans


def closing(problems: list[str], plans: list[str], register: dict, complaints: int) -> tuple[list[str], list[str]]:
    """The objections register (or, where none is kept, the 信访 on file) said last; a prompt where nothing was
    found; each problem as 公文 prose."""
    if register["received"]:
        problems.append(objections.sentence(register))
    elif complaints:
        problems.append(f"全年受理低保信访{complaints}件，" + TODO.format("办理结果") + "。")
    if not problems:
        problems.append("本年度档案检查未发现问题。" + TODO.format("工作中的其他不足"))
    if not plans:
        plans.append(TODO.format("下一步工作打算"))
    return [gongwen.prose(p) for p in problems], plans
