"""Settings an office changes without IT: the keys of `dibao settings show|set` and the web settings page.

policy.toml stays the one store. A change is made in place with tomlkit (the office's own comments and
layout are kept), the whole file is re-read through policy.parse (plus the value rules below) before it is
written, and the change is written to the history (who, when, before → after) and the audit log. A file
edited by hand keeps working: only the key changed is touched.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from archiver import doctypes, placeholders
from archiver.catalog import Catalog
from archiver.chinese_dates import parse_date
from archiver.errors import UserValueError
from archiver.home import Home
from archiver.policy import DEFAULT_TEXT, Policy, PolicyError, notice_length, parse
from archiver.policy.sections import MODES, ROUND_METHODS, ROUNDINGS

AREA_TYPES = ("城市", "农村")


class SettingRefused(UserValueError):
    """A value the office cannot set (bad format, a used standard, a township not theirs); the message says why."""


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


def _text(home: Home) -> str:
    path = policy_path(home)
    return path.read_text(encoding="utf-8") if path.exists() else DEFAULT_TEXT


def current(home: Home) -> Policy:
    return parse(_text(home))


# ---------------------------------------------------------------------------------------------- show
def standards_text(policy: Policy) -> list[tuple[str, str]]:
    """(from, "城市 780 元，农村 620 元") per standard, in date order."""
    return [(start, "，".join(f"{k} {v:g} 元" for k, v in row.items())) for start, row in policy.standard_table()]


def used(start: str, today: dt.date | None = None) -> bool:
    """A standard whose first day has come has been used (documents and payments quote it): read-only."""
    return start <= (today or dt.date.today()).isoformat()


def rows(home: Home, cat: Catalog | None = None) -> list[Row]:
    """Every setting with its value and where it comes from; placeholders (archiver/placeholders.py) marked."""
    text = _text(home)
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


# ---------------------------------------------------------------------------------------------- set
@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str
    after: str

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "before": self.before, "after": self.after}


def township_key(key: str) -> str | None:
    """The township a key belongs to (`issuer.城关镇`, `phone.城关镇`), else None."""
    head, _, rest = key.partition(".")
    return rest if head in ("issuer", "phone") and rest else None


def allowed(key: str, role: str, area: str) -> bool:
    """County administrators set everything; a township administrator only their own township's issuer and phone."""
    if role == "county":
        return True
    township = township_key(key)
    return role == "township" and township is not None and township == area.split("/")[0]


def set_value(home: Home, cat: Catalog, key: str, value: str, user: str, remote: str = "") -> Change:
    """Change one setting: edit policy.toml in place, validate the whole file, write it, record the change."""
    key, value = key.strip(), value.strip()
    text = _text(home)
    try:
        before_policy = parse(text)
    except PolicyError as exc:  # a hand edit broke the file: say so, and leave it as the office wrote it
        raise SettingRefused(f"政策文件格式错误，请先改正后再修改设置：{exc}") from exc
    doc = tomlkit.parse(text)
    handler = _handler(key)
    label, before, after = handler(doc, before_policy, key, value)
    new_text = tomlkit.dumps(doc)
    try:
        parse(new_text)
    except (PolicyError, ValueError) as exc:
        raise SettingRefused(f"设置后政策文件无效，未保存：{exc} / the change would make policy.toml invalid") from exc
    if new_text == text:
        return Change(key, label, before, after)
    path = policy_path(home)
    tmp = path.with_name(".policy.toml.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(new_text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    with cat.transaction():
        cat.add_setting_change(user, key, f"设置：{label}", before, after)
        cat.audit(user, "settings.set", key, f"{label}：{before or '空'} → {after or '空'}", remote)
        if key == "document_types.rename":  # the documents filed under the old name follow it
            cat.rename_document_type(before, after)
    return Change(key, label, before, after)


Handler = Callable[[Any, Policy, str, str], tuple[str, str, str]]


def _handler(key: str) -> Handler:
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


def _table(doc: Any, *path: str) -> Table:
    """The table at `path`, created (at the end of the file) when the office's file has none."""
    node = doc
    for p in path:
        if p not in node:
            node[p] = tomlkit.table()
        node = node[p]
    return node  # type: ignore[no-any-return]


# key → (label, table path, toml key, check)
def _check_text(v: str) -> str:
    if not v or len(v) > 60 or "\n" in v:
        raise SettingRefused("请填写内容（不超过60字）/ give a value of at most 60 characters")
    return v


def _check_phone(v: str) -> str:
    if not re.fullmatch(r"[0-9\-－（）() ]{3,20}", v):
        raise SettingRefused(f"电话号码只能含数字和“-”，如 0851-22345678：{v} / not a phone number")
    return v.replace("－", "-")


def _check_int(lo: int, hi: int) -> Callable[[str], int]:
    def check(v: str) -> int:
        if not v.isdigit() or not lo <= int(v) <= hi:
            raise SettingRefused(f"应为 {lo} 到 {hi} 之间的整数：{v} / must be a whole number from {lo} to {hi}")
        return int(v)
    return check


def _check_choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(v: str) -> str:
        if v not in choices:
            raise SettingRefused(f"应为 {'、'.join(choices)} 之一：{v} / must be one of {', '.join(choices)}")
        return v
    return check


_SIMPLE: dict[str, tuple[str, tuple[str, ...], str, Callable[[str], Any]]] = {
    "office.name": ("单位名称", ("office",), "name", _check_text),
    "office.phone": ("监督电话", ("office",), "supervision_phone", _check_phone),
    "notice.days": ("公示天数", ("notice",), "days", _check_int(1, 30)),
    "basis.mode": ("核算方式", ("basis",), "mode", _check_choice(MODES)),
    "basis.rounding": ("保障金取整到", ("basis",), "rounding", _check_choice(ROUNDINGS)),
    "basis.round_method": ("取整方法", ("basis",), "round_method", _check_choice(ROUND_METHODS)),
    "tasks.keep_days": ("任务结果保留天数", ("tasks",), "keep_days", _check_int(1, 90)),
}


def _simple(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    label, path, name, check = _SIMPLE[key]
    table = _table(doc, *path)
    before = str(table.get(name, ""))
    table[name] = check(value)
    if key == "notice.days" and "cases" in doc and "notice_days" in doc["cases"]:
        doc["cases"]["notice_days"] = int(value)  # the case timeline's 公示 period is the same rule
    return label, before, value


def _township(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    head, _, township = key.partition(".")
    table = _table(doc, "issuers" if head == "issuer" else "phones")
    label = f"{township} {'公示落款' if head == 'issuer' else '监督电话'}"
    before = str(table.get(township, ""))
    if not value:  # empty: back to the county office's own
        if township in table:
            del table[township]
        return label, before, ""
    table[township] = _check_text(value) if head == "issuer" else _check_phone(value)
    return label, before, value


def _review(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    cls = key.partition(".")[2].upper()
    if cls not in ("A", "B", "C"):
        raise SettingRefused(f"复核分类应为 A、B 或 C：{cls} / class must be A, B or C")
    table = _table(doc, "review_months")
    before = str(table.get(cls, policy.review_months.get(cls, "")))
    table[cls] = _check_int(1, 24)(value)
    return f"{cls}类复核周期（月）", before, value


def _split_list(value: str) -> list[str]:
    return [x.strip() for x in re.split(r"[,，、;；\s]+", value) if x.strip()]


def _materials(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    status = key.partition(".")[2]
    items = _split_list(value)
    offered = set(doctypes.known(policy))
    for item in items:
        for alt in item.split("|"):
            if alt not in offered:
                raise SettingRefused(f"没有这种档案类型：{alt}（可先在“档案类型”中新增）/ unknown document type")
    if not items:
        raise SettingRefused("必备材料至少填一种 / give at least one document type")
    table = _table(doc, "completeness")
    before = "、".join(policy.required_documents.get(status, []))
    table[status] = items
    return f"{status} 必备材料", before, "、".join(items)


def _day(value: str) -> str:
    day = parse_date(value) if len(value) <= 16 else None
    if day is None:
        raise SettingRefused(f"日期应写作 2027-02-16、2027/2/16 或 2027年2月16日：{value} / bad date")
    return day.isoformat()


def _standard_add(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    """`2026-01-01 城市=780 农村=620`: a new standard from a date. Once its first day has come a standard is
    read-only (it has been quoted); a later one may be replaced before it starts."""
    parts = value.replace("，", " ").replace(",", " ").split()
    if not parts:
        raise SettingRefused("请写明起始日期和标准，如 2026-01-01 城市=780 农村=620 / give a date and amounts")
    start = _day(parts[0])
    amounts: dict[str, float] = {}
    for p in parts[1:]:
        name, sep, number = p.replace("＝", "=").partition("=")
        if not sep or name not in AREA_TYPES:
            raise SettingRefused(f"标准应写作 城市=780 农村=620：{p} / write 城市=780 农村=620")
        try:
            amount = float(number)
        except ValueError:
            raise SettingRefused(f"{name}的标准应为金额（元/人/月）：{number} / must be an amount") from None
        if not 0 < amount < 100000:
            raise SettingRefused(f"{name}的标准应大于0：{number} / must be above 0")
        amounts[name] = amount
    if not amounts:
        raise SettingRefused("至少填写城市或农村一项标准，如 城市=780 / give at least one amount")
    table = policy.standard_table()
    for name in AREA_TYPES:  # a rise for 城市 alone keeps 农村 as it was
        earlier = [row[name] for s, row in table if s < start and name in row]
        if name not in amounts and earlier:
            amounts[name] = earlier[-1]
    same = [row for s, row in table if s == start]
    if same and used(start):
        raise SettingRefused(f"自{start}起的标准已经使用，不能修改；请新增一条以后日期的标准 / a used standard is read-only")
    _to_dated(doc, policy)
    aot = doc["standard"]
    for i in range(len(aot) - 1, -1, -1):  # replacing a standard that has not started yet
        if str(aot[i].get("from", "")) == start:
            del aot[i]
    entry = tomlkit.table()
    entry["from"] = start
    for name, amount in amounts.items():
        entry[name] = int(amount) if amount == int(amount) else amount
    aot.append(entry)
    before = "；".join(f"自{s}起 {a}" for s, a in standards_text(policy) if s == start) if same else ""
    return f"低保标准（自{start}起）", before, "，".join(f"{k} {v:g} 元" for k, v in amounts.items())


def _to_dated(doc: Any, policy: Policy) -> None:
    """Before the first `[[standard]]` entry, the `[standards.YEAR]` tables become entries from 1 January (when any
    `[[standard]]` exists they alone count, so leaving the year tables would drop them)."""
    if "standard" in doc and isinstance(doc["standard"], AoT):
        return
    aot = tomlkit.aot()
    for start, row in policy.standard_table():
        entry = tomlkit.table()
        entry["from"] = start
        for name, amount in row.items():
            entry[name] = int(amount) if amount == int(amount) else amount
        aot.append(entry)
    if "standards" in doc:
        _drop_keeping_comments(doc, "standards")
    doc.append("standard", aot)


def _drop_keeping_comments(doc: Any, name: str) -> None:
    """Remove a top-level table; the comments inside it (tomlkit keeps the comment above the next table there)
    move to the end of the table before it, so the office's notes stay where they were read."""
    from tomlkit.items import Comment

    body = doc.body
    index = next(i for i, (k, _) in enumerate(body) if k is not None and k.key == name)
    table = body[index][1]
    notes = [item for sub in table.value.values() if isinstance(sub, Table)
             for _, item in sub.value.body if isinstance(item, Comment)]
    del doc[name]
    previous = body[index - 1][1] if index > 0 else None
    if isinstance(previous, Table):
        for note in notes:
            previous.value.body.append((None, note))


def _standard_remove(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    start = _day(value)
    if used(start):
        raise SettingRefused(f"自{start}起的标准已经使用，不能删除 / a used standard cannot be removed")
    if "standard" not in doc or not any(str(e.get("from", "")) == start for e in doc["standard"]):
        raise SettingRefused(f"没有自{start}起的标准 / no such standard")
    before = "；".join(a for s, a in standards_text(policy) if s == start)
    aot = doc["standard"]
    for i in range(len(aot) - 1, -1, -1):
        if str(aot[i].get("from", "")) == start:
            del aot[i]
    return f"低保标准（自{start}起）", before, ""


def _calendar(which: str) -> Handler:
    def handler(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
        day = _day(value)
        table = _table(doc, "calendar")
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
    return handler


def _doctype_add(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    name = _check_text(value)
    if name in doctypes.known(policy) and name not in doctypes.retired(policy):
        raise SettingRefused(f"已有这种档案类型：{name} / the type exists")
    table = _table(doc, "document_types")
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
    table = _table(doc, "document_types")
    table["retired"] = [*doctypes.retired(policy), name]
    return "停用档案类型", "", name


def _doctype_rename(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    old, sep, new = value.replace("＝", "=").partition("=")
    if not sep:
        old, _, new = value.partition(" ")
    old, new = old.strip(), _check_text(new.strip())
    if old == doctypes.OTHER or old not in doctypes.known(policy):
        raise SettingRefused(f"没有这种档案类型：{old}；写作 旧名=新名 / write OLD=NEW")
    if new in doctypes.known(policy):
        raise SettingRefused(f"已有这种档案类型：{new} / the new name exists")
    table = _table(doc, "document_types")
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
    "standard.add": _standard_add,
    "standard.remove": _standard_remove,
    "calendar.holiday": _calendar("holidays"),
    "calendar.workday": _calendar("workdays"),
    "calendar.remove": _calendar("remove"),
    "document_types.add": _doctype_add,
    "document_types.retire": _doctype_retire,
    "document_types.rename": _doctype_rename,
}
KEYS = [*_SIMPLE, "issuer.乡镇名", "phone.乡镇名", "review.A", "review.B", "review.C", "materials.状态", *_NAMED]


def history(cat: Catalog) -> list[dict[str, Any]]:
    """Every settings change, oldest first (what `dibao history --settings` prints)."""
    return [{"at": r["at"], "user": r["user"], "key": r["setting"], "what": r["what"], "before": r["before"],
             "after": r["after"]} for r in cat.setting_changes()]
