"""One handler per setting key: it edits the tomlkit document in place and says (label, before, after).
`handler(key)` picks it; KEYS is what `dibao settings set` offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import tomlkit

from archiver import doctypes
from archiver.policy import Policy
from archiver.policy.sections import MODES, ROUND_METHODS, ROUNDINGS

from . import standards
from .values import (
    SettingRefused,
    check_choice,
    check_int,
    check_phone,
    check_text,
    iso_day,
    split_list,
    table_at,
)

Handler = Callable[[Any, Policy, str, str], tuple[str, str, str]]


def handler(key: str) -> Handler:
    head, _, rest = key.partition(".")
    if key in _SIMPLE:
        return _simple
    if head in ("issuer", "phone") and rest:
        return _township
    if head == "review" and rest:
        return _review
    if head == "materials" and rest:
        return _materials
    found = _NAMED.get(key)
    if found is None:
        raise SettingRefused(f"没有这个设置项：{key}；可用：{'、'.join(KEYS)} / unknown setting")
    return found


_SIMPLE: dict[str, tuple[str, tuple[str, ...], str, Callable[[str], Any]]] = {
    "office.name": ("单位名称", ("office",), "name", check_text),
    "office.phone": ("监督电话", ("office",), "supervision_phone", check_phone),
    "notice.days": ("公示天数", ("notice",), "days", check_int(1, 30)),
    "basis.mode": ("核算方式", ("basis",), "mode", check_choice(MODES)),
    "basis.rounding": ("保障金取整到", ("basis",), "rounding", check_choice(ROUNDINGS)),
    "basis.round_method": ("取整方法", ("basis",), "round_method", check_choice(ROUND_METHODS)),
    "tasks.keep_days": ("任务结果保留天数", ("tasks",), "keep_days", check_int(1, 90)),
}


def _simple(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    label, path, name, check = _SIMPLE[key]
    table = table_at(doc, *path)
    before = str(table.get(name, ""))
    table[name] = check(value)
    if key == "notice.days" and "cases" in doc and "notice_days" in doc["cases"]:
        doc["cases"]["notice_days"] = int(value)  # the case timeline's 公示 period is the same rule
    return label, before, value


def _township(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    head, _, township = key.partition(".")
    table = table_at(doc, "issuers" if head == "issuer" else "phones")
    label = f"{township} {'公示落款' if head == 'issuer' else '监督电话'}"
    before = str(table.get(township, ""))
    if not value:  # empty: back to the county office's own
        if township in table:
            del table[township]
        return label, before, ""
    table[township] = check_text(value) if head == "issuer" else check_phone(value)
    return label, before, value


def _review(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    cls = key.partition(".")[2].upper()
    if cls not in ("A", "B", "C"):
        raise SettingRefused(f"复核分类应为 A、B 或 C：{cls} / class must be A, B or C")
    table = table_at(doc, "review_months")
    before = str(table.get(cls, policy.review_months.get(cls, "")))
    table[cls] = check_int(1, 24)(value)
    return f"{cls}类复核周期（月）", before, value


def _materials(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    status = key.partition(".")[2]
    items = split_list(value)
    offered = set(doctypes.known(policy))
    for item in items:
        for alt in item.split("|"):
            if alt not in offered:
                raise SettingRefused(f"没有这种档案类型：{alt}（可先在“档案类型”中新增）/ unknown document type")
    if not items:
        raise SettingRefused("必备材料至少填一种 / give at least one document type")
    table = table_at(doc, "completeness")
    before = "、".join(policy.required_documents.get(status, []))
    table[status] = items
    return f"{status} 必备材料", before, "、".join(items)


def _calendar(which: str) -> Handler:
    def edit(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
        day = iso_day(value)
        table = table_at(doc, "calendar")
        for name in ("holidays", "workdays", "years"):
            if name not in table:
                table[name] = []
        label = "节假日" if which == "holidays" else "调休上班日"
        other = "workdays" if which == "holidays" else "holidays"
        if which == "remove":
            found = [n for n in ("holidays", "workdays") if day in [str(x) for x in table[n]]]
            if not found:
                raise SettingRefused(f"日历中没有 {day} / the calendar has no such day")
            for n in found:
                table[n] = [x for x in table[n] if str(x) != day]
            return ("节假日" if found[0] == "holidays" else "调休上班日"), day, ""
        if day in [str(x) for x in table[other]]:
            raise SettingRefused(f"{day} 已设为{'调休上班日' if which == 'holidays' else '节假日'}，请先删除 / "
                                 "the day is already set the other way")
        weekday = dt.date.fromisoformat(day).weekday()
        if which == "workdays" and weekday < 5:
            raise SettingRefused(f"{day} 不是周末，无需设为调休上班日 / not a weekend day")
        before = "、".join(str(x) for x in table[which])
        if day not in [str(x) for x in table[which]]:
            table[which] = sorted({*[str(x) for x in table[which]], day})
        year = int(day[:4])
        if year not in [int(y) for y in table["years"]]:
            table["years"] = sorted({*[int(y) for y in table["years"]], year})
        return label, before, "、".join(str(x) for x in table[which])
    return edit


def _doctype_add(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    name = check_text(value)
    if name in doctypes.known(policy) and name not in doctypes.retired(policy):
        raise SettingRefused(f"已有这种档案类型：{name} / the type exists")
    table = table_at(doc, "document_types")
    before = "、".join(doctypes.names(policy))
    if name in doctypes.retired(policy):  # adding a retired type back
        table["retired"] = [x for x in doctypes.retired(policy) if x != name]
    else:
        table["added"] = [*doctypes.added(policy), name]
    return "档案类型", before, f"{before}、{name}"


def _doctype_retire(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    name = value
    if name == doctypes.OTHER or name not in doctypes.names(policy):
        raise SettingRefused(f"没有可停用的档案类型：{name} / no such type in use")
    table = table_at(doc, "document_types")
    table["retired"] = [*doctypes.retired(policy), name]
    return "停用档案类型", "", name


def _doctype_rename(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    old, sep, new = value.replace("＝", "=").partition("=")
    if not sep:
        old, _, new = value.partition(" ")
    old, new = old.strip(), check_text(new.strip())
    if old == doctypes.OTHER or old not in doctypes.known(policy):
        raise SettingRefused(f"没有这种档案类型：{old}；写作 旧名=新名 / write OLD=NEW")
    if new in doctypes.known(policy):
        raise SettingRefused(f"已有这种档案类型：{new} / the new name exists")
    table = table_at(doc, "document_types")
    if "renamed" not in table:
        table["renamed"] = tomlkit.table()
    table["renamed"][old] = new
    if old in doctypes.added(policy):
        table["added"] = [new if x == old else x for x in doctypes.added(policy)]
        del table["renamed"][old]
    if "completeness" in doc:  # the materials lists name types too
        for status in list(doc["completeness"].keys()):
            items = [str(x) for x in doc["completeness"][status]]
            doc["completeness"][status] = ["|".join(new if a == old else a for a in x.split("|")) for x in items]
    return "档案类型改名", old, new


_NAMED: dict[str, Handler] = {
    "standard.add": standards.add,
    "standard.remove": standards.remove,
    "calendar.holiday": _calendar("holidays"),
    "calendar.workday": _calendar("workdays"),
    "calendar.remove": _calendar("remove"),
    "document_types.add": _doctype_add,
    "document_types.retire": _doctype_retire,
    "document_types.rename": _doctype_rename,
}


KEYS = [*_SIMPLE, "issuer.乡镇名", "phone.乡镇名", "review.A", "review.B", "review.C", "materials.状态", *_NAMED]
