"""Inspection checks on who is who: ID numbers Excel may have truncated, and accounts held in the name of
someone outside the household. Read-only; each finding names the household, never a full number."""

from __future__ import annotations

from archiver import idcard
from archiver.catalog.models import Household
from archiver.places import same_person_name
from archiver.privacy import mask_account, mask_id


def findings(households: list[Household], year: int | None) -> list[tuple[str, list[str], str, dict]]:
    """(code, household keys, message, detail) for every finding; checks.py wraps them."""
    out: list[tuple[str, list[str], str, dict]] = []
    for h in households:
        for m in h.members:
            if m.id_number and idcard.looks_truncated(m.id_number):
                out.append(("suspect_truncated_id", [h.key],
                            f"{h.village}{h.head_name}户成员{m.name}的身份证号{mask_id(m.id_number)}以000结尾，"
                            "可能是表格把号码存成数字后被截断，请与户口簿核对。", {"id_number": mask_id(m.id_number)}))
        names: list[str] | None = None  # read only for a row that names an account holder
        seen: set[tuple[str, str]] = set()
        for p in h.payments:
            if not p.account_holder or (year is not None and p.period_start[:4] != str(year)):
                continue
            if names is None:
                names = [m.name for m in h.members] + [h.head_name]
            if any(same_person_name(p.account_holder, n) for n in names) or (p.account_holder, p.bank_account) in seen:
                continue
            seen.add((p.account_holder, p.bank_account))
            out.append(("account_holder_not_member", [h.key],
                        f"{h.village}{h.head_name}户的低保金发放到户名为{p.account_holder}的账户"
                        f"{mask_account(p.bank_account) if p.bank_account else ''}，此人不是本户成员，请核实是否代领。",
                        {"account_holder": p.account_holder, "account": mask_account(p.bank_account)}))
    return out
