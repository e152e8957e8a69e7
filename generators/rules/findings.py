"""What a check reads (`Scan`: the scope's households on the reference day) and what it reports (`Finding`).
A leaf of the rules floor, so every check module can build findings without importing the registry."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from archiver.catalog import Catalog, registers
from archiver.catalog.models import Household
from archiver.policy import Policy

from . import relatives


@dataclass
class Finding:
    code: str
    households: list[str]
    message: str
    detail: dict = field(default_factory=dict)


@dataclass
class Scan:
    """The scope's households (loaded with payments) as the checks see them on `day`: 31 Dec of `year`, else
    today. The two registers several checks read are read once."""

    cat: Catalog
    households: list[Household]
    year: int | None
    day: str
    policy: Policy

    @functools.cached_property
    def active(self) -> list[Household]:
        return [h for h in self.households if h.in_care_on(self.day)]

    @functools.cached_property
    def dead(self) -> dict[str, str | None]:
        return {d.id_number: d.died_on for d in self.cat.deaths().values()}

    @functools.cached_property
    def listed(self) -> dict[str, registers.RegisterEntry]:
        return relatives.listed_people(self.cat)
