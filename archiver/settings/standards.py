"""Dated 低保标准 as settings: add one from a day, remove one not yet started. A standard whose first day has
come has been quoted by documents and payments, so it is read-only."""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from archiver.policy import Policy

from .show import standards_text, used
from .values import SettingRefused, iso_day

AREA_TYPES = ("城市", "农村")


def add(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    """`2026-01-01 城市=780 农村=620`: a new standard from a date. Once its first day has come a standard is
    read-only (it has been quoted); a later one may be replaced before it starts."""
    parts = value.replace("，", " ").replace(",", " ").split()
    if not parts:
        raise SettingRefused("请写明起始日期和标准，如 2026-01-01 城市=780 农村=620 / give a date and amounts")
    start = iso_day(parts[0])
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


def remove(doc: Any, policy: Policy, key: str, value: str) -> tuple[str, str, str]:
    start = iso_day(value)
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


