"""主要做法: what the office did in the year, claimed only where the record shows it. A shortfall found on the
way (a 公示 too short) is said once, under 存在问题."""

from __future__ import annotations

from archiver.catalog.models import Household
from archiver.policy import Policy, notice_length

from ..documents import wan
from ..rules import payment_checks
from ..rules.findings import Finding
from .figures import TODO, exit_reasons

NUMERALS = "一二三四五六七八九十"


def approval(s: dict, periods: tuple[int, int] | None, findings: dict[str, list[Finding]], policy: Policy,
             problems: list[str], plans: list[str]) -> str:
    """规范审核审批: the year's new households and how their 公示 ran (a shortfall goes to problems and plans)."""
    days = notice_length(policy)
    approve = f"规范审核审批。全年新纳入低保对象{s['new_households']}户{s['new_persons']}人"
    if periods and periods[0] and not periods[1]:
        return approve + f"，{periods[0]}户均按规定公示{days}天。"  # every case's timeline shows it
    if periods and periods[1]:
        approve += "，均经入户调查、审核确认后纳入。" if not findings.get("missing_step") else "。"
        covered = findings.get("notice_period_short") or any(
            "公示" in (f.detail.get("steps") or []) for f in findings.get("missing_step", []))
        if not covered:
            problems.append(f"新纳入对象中有{periods[1]}户公示期不足{days}天或未见公示记录。")
            plans.append(f"严格执行公示{days}天的规定，对涉及的{periods[1]}户补正程序。")
        return approve
    return approve + "。" + TODO.format(f"新纳入对象的入户调查、民主评议和公示情况（公示天数以{days}天为准，如实填写）")


def dynamic(s: dict, counts: dict[str, int], in_care: list[Household], policy: Policy) -> str:
    """强化动态管理: reviews on time, changes of benefit, 停保 and 渐退 — only those the year holds."""
    dyn = []
    if s["overdue_reviews"] == 0 and in_care:
        dyn.append(f"按照A类{policy.review_months.get('A', 12)}个月、B类{policy.review_months.get('B', 6)}个月、"
                   f"C类{policy.review_months.get('C', 3)}个月的周期开展定期复核，年末无逾期未复核对象")
    if counts["reviews_done"]:
        dyn.append(f"全年完成复核{counts['reviews_done']}户次")
    exits = exit_reasons(s)
    changes = [f"调增保障金{s['increased']}户次" if s["increased"] else "", f"调减{s['decreased']}户次" if s["decreased"] else "",
               f"停保{s['exited_households']}户{s['exited_persons']}人" + (f"（{exits}）" if exits else "")
               if s["exited_households"] else ""]
    if any(changes):
        dyn.append("根据家庭收入和人口变化" + "、".join(c for c in changes if c))
    if counts["gradual_exits"]:
        dyn.append(f"对就业增收的家庭落实低保渐退{counts['gradual_exits']}户")
    return "强化动态管理。" + "；".join(dyn) + "。" if dyn else ""


def written(s: dict, counts: dict[str, int], in_care: list[Household], incomplete: list, approval_text: str,
            findings: dict[str, list[Finding]], policy: Policy) -> list[str]:
    """The numbered practices, then the prompt for what the archive cannot show."""
    practices = [approval_text] if s["new_households"] else []
    dyn = dynamic(s, counts, in_care, policy)
    if dyn:
        practices.append(dyn)
    if s["disbursed_total"]:
        money_ok = not any(findings.get(c) for c in ("amount_mismatch", *payment_checks.OVERPAID_BY))
        fund = f"做好资金发放。全年发放低保金{wan(s['disbursed_total'])}万元，月人均补差{s['avg_monthly_per_person']:.2f}元"
        practices.append(fund + ("，经逐月核对，发放金额与核定金额一致。" if money_ok else "，按月足额发放到户。"
                                 if not any(findings.get(c) for c in payment_checks.OVERPAID_BY) else "。"))
    filed = counts["documents_filed"]
    archive = f"推进档案规范化。落实“一户一档”，全年归档各类档案材料{filed}份" if filed else ""
    if in_care and not incomplete:
        archive = (archive + "，" if archive else "推进档案规范化。") + f"年末在保{len(in_care)}户档案材料全部齐全"
    if archive:
        practices.append(archive + "。")
    unregistered = {k for f in findings.get("unregistered_cadre_relative", []) for k in f.households}
    registered = s["cadre_relatives"] - len(unregistered) if s["cadre_relatives"] else 0
    if registered > 0:
        practices.append(f"落实近亲属备案。对已备案的{registered}户村干部近亲属低保户实行重点管理"
                         + ("，名册在列人员均已备案。" if not unregistered else "。"))
    if counts["classified_persons"]:
        practices.append(f"落实分类施保。对{counts['classified_persons']}名重点对象实施分类施保。")
    practices = [f"（{NUMERALS[i]}）{p}" for i, p in enumerate(practices)]
    return [*practices, TODO.format("政策宣传、业务培训、专项治理等其他做法及成效")]
