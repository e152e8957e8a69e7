"""Stops by the rules (停保): a written notice with the reason in the rules' words and the right to 申请复核,
given within the policy's working days (policy.toml [stops] notice_working_days); a 渐退 that ran out ends in a stop
decision. `inspect` reports `stop_notice_missing`, `stop_notice_late` and `taper_ended_no_decision` (a 停保 公示
too short is procedure's `notice_period_short`, where [cases] change_notice_required asks for one); `cases due` lists
the notices and the ended 渐退 still waiting for a decision.

Which stops must have a notice on file: those recorded with `dibao cases stop`, and with [stops]
check_change_lists = true every stop a change list reports (off by default: an archive built from
change lists alone does not hold the notices, and must not accuse every stop of lacking one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from archiver.catalog import Catalog
from archiver.catalog.models import STOP_KINDS, Household, today
from archiver.catalog.stops import NOTICE_STEP, STOP_STEP
from archiver.policy import Policy

from . import basis
from .workdays import Calendar

NOTICE_TYPE = "停保告知书"
# a stop's reason as staff write it → as the rules word it (the 告知书 prints this)
RULE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("渐退",), "家庭人均收入已高于当地最低生活保障标准，渐退期已满"),
    (("死亡", "去世", "病故"), "保障对象已死亡"),
    (("迁出", "迁移", "户籍"), "户籍已迁出本县（市、区）"),
    (("拒绝", "不配合", "拒不"), "无正当理由拒不配合定期复核或家庭经济状况核查"),
    (("隐瞒", "虚报", "虚假"), "隐瞒或者虚报家庭收入、财产等情况"),
    (("财产", "车辆", "房产", "存款"), "家庭财产状况不符合当地最低生活保障条件"),
    (("收入", "超标", "就业", "务工"), "家庭人均收入已高于当地最低生活保障标准"),
    (("自愿", "申请退出", "主动"), "本人自愿申请退出"),
)


def rule_words(reason: str) -> str:
    for words, text in RULE_WORDS:
        if any(w in reason for w in words):
            return text
    return reason


@dataclass(frozen=True)
class Rules:
    notice_working_days: int = 3  # 作出停止保障决定后3个工作日内书面告知并说明理由
    check_change_lists: bool = False


def rules(policy: Policy) -> Rules:
    return Rules(policy.stops.notice_working_days, policy.stops.check_change_lists)


@dataclass
class Stop:
    date: str
    reason: str
    recorded: bool  # by `cases stop` (else only a change list says it)
    notified: str | None
    due: str


def stops_of(h: Household, entries: list[dict[str, Any]], calendar: Calendar, r: Rules) -> list[Stop]:
    """The household's stop decisions that must have a notice, each with its notice (the first 停保告知 on or
    after the stop and before the next one) and the day it was due."""
    recorded = {e["date"]: e.get("detail") or "" for e in entries if e["step"] == STOP_STEP}
    dates = sorted(set(recorded) | ({e.date for e in h.events if e.kind in STOP_KINDS} if r.check_change_lists else set()))
    notices = sorted([e["date"] for e in entries if e["step"] == NOTICE_STEP]
                     + [d.date for d in h.documents if d.type == NOTICE_TYPE and d.date])  # a signed 告知书 filed back
    out = []
    for i, day in enumerate(dates):
        until = dates[i + 1] if i + 1 < len(dates) else "9999"
        told = next((n for n in notices if day <= n < until), None)
        reason = recorded.get(day) or next((e.reason for e in h.events if e.kind in STOP_KINDS and e.date == day), "")
        due = calendar.add_working_days(dt.date.fromisoformat(day), r.notice_working_days).isoformat()
        out.append(Stop(day, reason, day in recorded, told, due))
    return out


def taper_end(h: Household, day: str, policy: Policy, br: basis.BasisRules) -> str | None:
    """The first day after a 渐退 ran out, when the household is still in 保 on `day` (the rule: basis)."""
    return basis.taper_ended_on(h, day, policy, br)


def findings(cat: Catalog, households: list[Household], year: int | None,
             policy: Policy) -> list[tuple[str, list[str], str, dict[str, Any]]]:
    day = min(today(), f"{year}-12-31") if year else today()
    r, br = rules(policy), basis.rules(policy)
    calendar = Calendar.from_policy(policy)
    entries = cat.case_entries([h.id for h in households])
    out: list[tuple[str, list[str], str, dict[str, Any]]] = []
    for h in households:
        who = f"{h.village}{h.head_name}户"
        for s in stops_of(h, entries.get(h.id, []), calendar, r):
            if s.date > day or (year and not (s.date.startswith(str(year)) or s.due.startswith(str(year)))):
                continue
            if s.notified is None or s.notified > day:
                if day > s.due:
                    out.append(("stop_notice_missing", [h.key], f"{who}于{s.date}停保（{s.reason or '原因未注明'}），"
                                f"应在{r.notice_working_days}个工作日内（{s.due}前）书面告知，截至{day}未见告知记录。",
                                {"stopped": s.date, "due": s.due}))
            elif s.notified > s.due:
                out.append(("stop_notice_late", [h.key], f"{who}于{s.date}停保，应在{s.due}前书面告知，"
                            f"{s.notified}才告知。", {"stopped": s.date, "due": s.due, "notified": s.notified}))
        end = taper_end(h, day, policy, br)
        if end and end <= day:
            out.append(("taper_ended_no_decision", [h.key], f"{who}渐退期已于{end}届满，仍在保，未见停保决定。",
                        {"taper_end": end}))
    return out


def due_rows(cat: Catalog, households: list[Household], policy: Policy, day: str) -> list[dict[str, Any]]:
    """For `cases due`: stop notices not yet given (due = the notice deadline) and 渐退 that ran out with the
    household still in 保 (due = the day it ran out)."""
    r, br = rules(policy), basis.rules(policy)
    calendar = Calendar.from_policy(policy)
    entries = cat.case_entries([h.id for h in households])
    rows = []
    for h in households:
        base = {"household_id": h.key, "head_name": h.head_name, "township": h.township, "village": h.village,
                "applied": None}
        for s in stops_of(h, entries.get(h.id, []), calendar, r):
            if (s.notified is None or s.notified > day) and s.date <= day:  # not yet told on `day`
                rows.append({**base, "kind": "停保", "step": "告知", "due": s.due, "late": s.due < day})
        end = taper_end(h, day, policy, br)
        if end:
            rows.append({**base, "kind": "停保", "step": "渐退期满", "due": end, "late": end < day})
    return rows
