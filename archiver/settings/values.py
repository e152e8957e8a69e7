"""What a setting's value may be: the checks `dibao settings set` runs before policy.toml is touched, each
refusal in the staff's words, and the tomlkit table a value goes into."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import tomlkit
from tomlkit.items import Table

from archiver.chinese_dates import parse_date
from archiver.errors import UserValueError


class SettingRefused(UserValueError):
    """A value the office cannot set (bad format, a used standard, a township not theirs); the message says why."""


def table_at(doc: Any, *path: str) -> Table:
    """The table at `path`, created (at the end of the file) when the office's file has none."""
    node = doc
    for p in path:
        if p not in node:
            node[p] = tomlkit.table()
        node = node[p]
    return node  # type: ignore[no-any-return]


def check_text(v: str) -> str:
    if not v or len(v) > 60 or "\n" in v:
        raise SettingRefused("请填写内容（不超过60字）/ give a value of at most 60 characters")
    return v


def check_phone(v: str) -> str:
    if not re.fullmatch(r"[0-9\-－（）() ]{3,20}", v):
        raise SettingRefused(f"电话号码只能含数字和“-”，如 0851-22345678：{v} / not a phone number")
    return v.replace("－", "-")


def check_int(lo: int, hi: int) -> Callable[[str], int]:
    def check(v: str) -> int:
        if not v.isdigit() or not lo <= int(v) <= hi:
            raise SettingRefused(f"应为 {lo} 到 {hi} 之间的整数：{v} / must be a whole number from {lo} to {hi}")
        return int(v)
    return check


def check_choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(v: str) -> str:
        if v not in choices:
            raise SettingRefused(f"应为 {'、'.join(choices)} 之一：{v} / must be one of {', '.join(choices)}")
        return v
    return check


def iso_day(value: str) -> str:
    day = parse_date(value) if len(value) <= 16 else None
    if day is None:
        raise SettingRefused(f"日期应写作 2027-02-16、2027/2/16 或 2027年2月16日：{value} / bad date")
    return day.isoformat()


def split_list(value: str) -> list[str]:
    return [x.strip() for x in re.split(r"[,，、;；\s]+", value) if x.strip()]
