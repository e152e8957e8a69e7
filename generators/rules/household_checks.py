"""The household checks of an inspection: one person in two households, one account for two, a cadre's
relative not on file (from the county register and from the household's own flag), the review clock, the
file's papers and members over 100 or dead still counted."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from archiver import idcard
from archiver.catalog.models import Household
from archiver.months import iso_day
from archiver.privacy import mask_account, mask_id

from . import completeness, review_clock
from .findings import Finding, Scan


def same_person(scan: Scan) -> list[Finding]:
    active, day = scan.active, scan.day
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


def shared_account(scan: Scan) -> list[Finding]:
    households, year = scan.households, scan.year
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


def register(scan: Scan) -> list[Finding]:
    """A person on the county's cadre register in a household in 保 whose file lacks the 近亲属备案 flag."""
    active, day, listed = scan.active, scan.day, scan.listed
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



def household_file(scan: Scan) -> list[Finding]:
    """Each household in 保, one by one: its review clock, its file's papers, a member flagged as a cadre's
    relative without the 备案, a member over 100 or recorded dead still counted."""
    active, day, policy, listed = scan.active, scan.day, scan.policy, scan.listed
    out: list[Finding] = []
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
    return out
