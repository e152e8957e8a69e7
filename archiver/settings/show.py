"""`dibao settings show` and the web settings page: every setting with its value, where it comes from and
whether it is still a placeholder; the history of changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver import doctypes, placeholders
from archiver.catalog import Catalog
from archiver.home import Home
from archiver.policy import DEFAULT_TEXT, Policy, notice_length, parse


@dataclass(frozen=True)
class Row:
    """One line of `settings show`: what staff call it, its value, where it comes from, whether it is a placeholder."""

    key: str
    label: str
    value: str
    source: str  # "policy.toml" or "默认"
    placeholder: bool = False
    group: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "value": self.value, "source": self.source,
                "placeholder": self.placeholder, "group": self.group}


def policy_path(home: Home) -> Path:
    return home.root / "policy.toml"


def policy_text(home: Home) -> str:
    path = policy_path(home)
    return path.read_text(encoding="utf-8") if path.exists() else DEFAULT_TEXT


def current(home: Home) -> Policy:
    return parse(policy_text(home))


# ---------------------------------------------------------------------------------------------- show
def standards_text(policy: Policy) -> list[tuple[str, str]]:
    """(from, "城市 780 元，农村 620 元") per standard, in date order."""
    return [(start, "，".join(f"{k} {v:g} 元" for k, v in row.items())) for start, row in policy.standard_table()]


def used(start: str, today: dt.date | None = None) -> bool:
    """A standard whose first day has come has been used (documents and payments quote it): read-only."""
    return start <= (today or dt.date.today()).isoformat()


def rows(home: Home, cat: Catalog | None = None) -> list[Row]:
    """Every setting with its value and where it comes from; placeholders (archiver/placeholders.py) marked."""
    text = policy_text(home)
    policy = parse(text)
    own = policy_path(home).exists()
    holes = {p.key for p in placeholders.unset(policy)}

    def src(*path: str) -> str:
        return "policy.toml" if own and policy.sets(*path) else "默认"

    out = [Row("office.name", "单位名称", policy.office.name, src("office", "name"), "office.name" in holes, "单位"),
           Row("office.phone", "监督电话", policy.office.supervision_phone, src("office", "supervision_phone"),
               "office.phone" in holes, "单位")]
    for township in _townships(cat, policy):
        out.append(Row(f"issuer.{township}", f"{township} 公示落款", _issuer(policy, township),
                       src("issuers", township), False, "乡镇"))
        out.append(Row(f"phone.{township}", f"{township} 监督电话", _phone(policy, township),
                       src("phones", township), False, "乡镇"))
    table = standards_text(policy)
    for start, amounts in table:
        out.append(Row(f"standard.{start}", f"低保标准（自{start}起）", amounts,
                       "policy.toml" if own and (policy.sets("standard") or policy.sets("standards")) else "默认", False,
                       "低保标准"))
    if "standard.add" in holes:
        out.append(Row("standard.add", f"{dt.date.today().year}年低保标准", "", "默认", True, "低保标准"))
    cal = policy.calendar
    out.append(Row("calendar.holiday", "自定节假日", "、".join(str(x) for x in cal.holidays),
                   src("calendar", "holidays"), False, "日历"))
    out.append(Row("calendar.workday", "调休上班日", "、".join(str(x) for x in cal.workdays),
                   src("calendar", "workdays"), False, "日历"))
    for cls, months in policy.review_months.items():
        out.append(Row(f"review.{cls}", f"{cls}类复核周期（月）", str(months), src("review_months", cls), False, "复核与公示"))
    out.append(Row("notice.days", "公示天数", str(notice_length(policy)),
                   src("notice", "days") if policy.sets("notice", "days") else src("cases", "notice_days"), False,
                   "复核与公示"))  # the deprecated [cases] notice_days, where it alone is set, is the file's own too
    out.append(Row("document_types", "档案类型", "、".join(doctypes.names(policy)), src("document_types"), False,
                   "档案类型"))
    if doctypes.retired(policy):
        out.append(Row("document_types.retired", "已停用的档案类型", "、".join(doctypes.retired(policy)),
                       "policy.toml", False, "档案类型"))
    for status, docs in policy.required_documents.items():
        out.append(Row(f"materials.{status}", f"{status} 必备材料", "、".join(docs), src("completeness", status), False,
                       "必备材料"))
    basis = policy.basis
    out.append(Row("basis.mode", "核算方式", basis.mode, src("basis", "mode"), False, "核算"))
    out.append(Row("basis.rounding", "保障金取整到", basis.rounding, src("basis", "rounding"), False, "核算"))
    out.append(Row("basis.round_method", "取整方法", basis.round_method,
                   src("basis", "round_method"), False, "核算"))
    out.append(Row("tasks.keep_days", "任务结果保留天数", str(keep_days(policy)), src("tasks", "keep_days"), False, "任务"))
    return out


def keep_days(policy: Policy) -> int:
    """How long 我的任务 keeps a finished task's result file."""
    return policy.tasks.keep_days


def _townships(cat: Catalog | None, policy: Policy) -> list[str]:
    found = list(cat.area_names()) if cat is not None else []
    for table in (policy.issuers, policy.phones):
        found += [k for k in table if k not in found]
    return found


def _issuer(policy: Policy, township: str) -> str:
    return policy.issuers.get(township, "")


def _phone(policy: Policy, township: str) -> str:
    return policy.phones.get(township, "")


def history(cat: Catalog) -> list[dict[str, Any]]:
    """Every settings change, oldest first (what `dibao history --settings` prints)."""
    return [{"at": r["at"], "user": r["user"], "key": r["setting"], "what": r["what"], "before": r["before"],
             "after": r["after"]} for r in cat.setting_changes()]
