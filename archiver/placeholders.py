"""Settings still at the `init` defaults (单位名称, 监督电话, this year's 低保标准).

A document must never print a default as if it were the office's own fact, and staff must be told before
they generate one: documents mark each of these 【待填写：…】, the command line and the web warn. This is
the one place that decides what counts as "not set yet".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from archiver.policy import DEFAULT_TEXT, Policy, parse

DEFAULT_OFFICE_NAMES = ("", "某某县民政局")
DEFAULT_PHONES = ("", "12345")


@dataclass(frozen=True)
class Placeholder:
    key: str  # the settings key (`dibao settings set KEY …`)
    label: str  # what staff call it; a document prints 【待填写：label】

    @property
    def prompt(self) -> str:
        return f"【待填写：{self.label}】"


def _default_standards() -> list[tuple[str, dict[str, float]]]:
    return parse(DEFAULT_TEXT).standard_table()


def unset(policy: Policy, year: int | None = None) -> list[Placeholder]:
    """The settings a document for `year` (default: this year) would otherwise print as defaults.

    The standard counts as unset when the table is still the shipped one, or when no entry starts in or
    before `year`'s own year while later years have passed (a new year's standard not yet entered)."""
    year = year or dt.date.today().year
    out: list[Placeholder] = []
    if policy.office.name.strip() in DEFAULT_OFFICE_NAMES or "某某" in policy.office.name:
        out.append(Placeholder("office.name", "单位名称"))
    if policy.office.supervision_phone.strip() in DEFAULT_PHONES:
        out.append(Placeholder("office.phone", "监督电话"))
    table = policy.standard_table()
    starts = [int(start[:4]) for start, _ in table]
    if not table or table == _default_standards() or max(starts) < year:
        out.append(Placeholder("standard.add", f"{year}年低保标准"))
    return out


def text_or_prompt(value: str, policy: Policy, key: str, year: int | None = None) -> str:
    """`value`, or the 【待填写】 prompt when the setting `key` is still a default."""
    for p in unset(policy, year):
        if p.key == key:
            return p.prompt
    return value
