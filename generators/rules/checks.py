"""The check registry: every check an inspection runs, as (code, title, run). `dibao inspect`, the 检查通报
and the 年度总结 read their titles here and run the checks in this order, so a new check is one row
(and its rule module), never a titles table merged by hand. Several codes share a run (one pass over the
cases reports all the procedure codes); `run_all` calls each run once, in the order it first appears."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import household_checks, id_checks, objections, payment_checks, procedure, stops
from .findings import Finding, Scan

Run = Callable[[Scan], list[Finding]]


def _id_checks(scan: Scan) -> list[Finding]:
    return [Finding(*f) for f in id_checks.findings(scan.households, scan.year)]


def _objections(scan: Scan) -> list[Finding]:
    return [Finding(*f) for f in objections.findings(scan.cat, scan.households, scan.year, scan.policy)]


def _stops(scan: Scan) -> list[Finding]:
    return [Finding(*f) for f in stops.findings(scan.cat, scan.households, scan.year, scan.policy)]


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    run: Run


CHECKS: tuple[Check, ...] = (
    Check("same_person_two_households", "同一人在两户中享受低保", household_checks.same_person),
    Check("shared_bank_account", "两户使用同一银行账户", household_checks.shared_account),
    Check("paid_after_stop", "停保后仍有发放", payment_checks.payments),
    Check("amount_mismatch", "发放金额与核定金额不符", payment_checks.payments),
    Check("payment_precision", "发放金额取整方式与政策不同", payment_checks.payments),
    Check("paid_after_death", "死亡后仍发放低保金", payment_checks.deaths),
    Check("unregistered_cadre_relative", "村干部近亲属未备案", household_checks.register),
    Check("notice_period_short", "公示期不足", procedure.run),
    Check("approved_before_notice_end", "公示期未满即审批", procedure.run),
    Check("case_overdue", "超过办理时限", procedure.run),
    Check("refusal_notice_late", "不予批准未按时书面告知", procedure.run),
    Check("paid_before_start", "批准前（或批准当月）即发放", procedure.run),
    Check("missing_step", "审核确认环节缺少材料", procedure.run),
    Check("too_few_investigators", "入户调查人员少于2人", procedure.run),
    Check("calendar_year_unknown", "节假日安排未知的年份", procedure.run),
    Check("suspect_truncated_id", "身份证号疑似被电子表格截断", _id_checks),
    Check("account_holder_not_member", "发放账户户名不是本户成员", _id_checks),
    Check("objection_open_at_decision", "公示异议未核实办结即审批", _objections),
    Check("objection_overdue", "异议、信访、举报逾期未办结", _objections),
    Check("stop_notice_missing", "停保未书面告知", _stops),
    Check("stop_notice_late", "停保未按时书面告知", _stops),
    Check("taper_ended_no_decision", "渐退期满未作停保决定", _stops),
    Check("overdue_review", "逾期未复核", household_checks.household_file),
    Check("incomplete_file", "档案材料不全", household_checks.household_file),
    Check("unregistered_cadre_relative", "村干部近亲属未备案", household_checks.household_file),
    Check("over_age_or_deceased", "超龄或已故人员仍计入保障", household_checks.household_file),
)
TITLES = {c.code: c.title for c in CHECKS}


def title(code: str) -> str:
    return TITLES.get(code, code)


def as_json(f: Finding) -> dict:
    return {"code": f.code, "title": title(f.code), "households": f.households, "message": f.message,
            **({"detail": f.detail} if f.detail else {})}


def run_all(scan: Scan) -> list[Finding]:
    """Every check's findings, an overpayment seen by several checks counted once (merge_overpaid)."""
    out: list[Finding] = []
    for run in dict.fromkeys(c.run for c in CHECKS):
        out += run(scan)
    return payment_checks.merge_overpaid(out)
