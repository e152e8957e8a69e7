"""Areas (属地管理) by their whole path: a village is `乡镇/村`, never its bare name, because two townships
may each have a 红旗村. The one place that turns what a person typed (a township, a `乡镇/村` path, or a
bare village name) into the catalog Scope it means — user accounts, every report's `--scope` and the
web's area pickers all come through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archiver.errors import UserError

from .scope import Scope

if TYPE_CHECKING:
    from . import Catalog

SEP = "/"


class AreaProblem(UserError, ValueError):
    """What was typed names no area, or a village name that several townships have (`matches` lists them)."""

    def __init__(self, message: str, matches: list[str] | None = None) -> None:
        super().__init__(message)
        self.matches = matches or []


def path(township: str, village: str) -> str:
    return f"{township}{SEP}{village}" if village else township


def split(area: str) -> tuple[str, str]:
    """`乡镇/村` → (乡镇, 村); a bare name → (name, "")."""
    township, _, village = area.strip().partition(SEP)
    return township.strip(), village.strip()


def resolve(cat: Catalog, text: str, village_only: bool = False, must_exist: bool = True) -> Scope:
    """The Scope `text` names. A township name is the township; `乡镇/村` is that village; a bare village
    name only when exactly one township has it. `village_only`: a township name is refused (a village user's
    area, a notice's village). `must_exist=False` accepts a `乡镇/村` path not yet on file (a user created
    before the roster is imported) — never a bare name, which cannot be told apart otherwise."""
    text = (text or "").strip()
    if not text:
        return Scope()
    names = cat.area_names()
    text = _as_stored(text, names)
    if SEP in text:
        township, village = split(text)
        if not township or not village or SEP in village:
            raise AreaProblem(f"地区应写作“乡镇/村”：{text} / an area path is TOWNSHIP/VILLAGE")
        if must_exist and village not in names.get(township, []):
            raise AreaProblem(f"没有这个村（社区）：{text} / no such village on file")
        return Scope(township=township, village=village)
    if not village_only and text in names and text:
        return Scope(township=text)
    towns = sorted(t for t, vs in names.items() if text in vs)
    if len(towns) == 1:
        return Scope(township=towns[0], village=text)
    if towns:
        listed = "、".join(path(t, text) for t in towns)
        raise AreaProblem(f"有 {len(towns)} 个乡镇都有名为“{text}”的村，请写明乡镇：{listed} / "
                          f"village name in several townships, give TOWNSHIP/VILLAGE", [path(t, text) for t in towns])
    what = "村（社区）" if village_only else "乡镇或村（社区）"
    raise AreaProblem(f"范围不存在：没有这个{what}“{text}”（村可写作“乡镇/村”）/ unknown area")


def _as_stored(text: str, names: dict[str, list[str]]) -> str:
    """A name typed as people write it (繁体, full-width, 红旗村委会, 东山镇人民政府) in the form the catalog
    stores it, folded as imports fold it (archiver/places.py); a name on file as typed is kept."""
    from archiver import places

    if SEP in text:
        township, village = split(text)
        if township in names and village in names[township]:
            return text
        return path(places.township(township), places.village(village)) if township and village else text
    if text in names or any(text in vs for vs in names.values()):
        return text
    folded = places.township(text)
    return folded if folded in names else places.village(text)


def label(scope: Scope) -> str:
    """The area as people read it: 乡镇, 乡镇/村, or 全部."""
    if scope.township and scope.village:
        return path(scope.township, scope.village)
    return scope.township or scope.village or scope.name or "全部"


def choices(cat: Catalog, township: str | None = None) -> list[str]:
    """Every area (townships, then each village as 乡镇/村) — within one township when given."""
    names = cat.area_names()
    towns = [t for t in names if t and (township is None or t == township)]
    return towns + [path(t, v) for t in towns for v in names[t] if v]


def of_user(role: str, area: str, cat: Catalog | None = None) -> Scope:
    """A user's area as a Scope (the web's pages and archiver's moves of data both ask here). A village is
    township + village; an account created before areas had paths (a bare village name) is resolved while only
    one township has that village, and sees nothing once two do — never the union of both."""
    if role == "county":
        return Scope()
    if role == "township" and area:
        return Scope(township=area)
    if role == "village" and area:
        township, village = split(area)
        if village:
            return Scope(township=township, village=village)
        if cat is not None:
            try:
                return resolve(cat, area, village_only=True)
            except AreaProblem:
                pass
    return Scope(nothing=True)
