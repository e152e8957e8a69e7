"""The dashboard's 待办 panel: case steps coming due or overdue in the user's area, soonest first
(公示 ending, decisions due, refusal letters due), from generators/rules/cases.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from archiver.policy import load as load_policy
from generators.rules import cases

from .session import Viewer

_cache: dict[tuple[str | None, str | None], tuple[str, dict[str, Any]]] = {}


def steps_due(v: Viewer) -> dict[str, Any]:
    """Recomputed only when the catalog's facts, the recorded steps or the day change: at county scale it
    loads every household of the area."""
    key = (v.scope.township, v.scope.village)
    mark = f"{v.cat.change_mark()}/{v.cat.entries_mark()}/{dt.date.today()}"
    cached = _cache.get(key)
    if cached is None or cached[0] != mark:
        households = v.cat.households(v.scope, full=True)
        _cache[key] = (mark, cases.due_steps(v.cat, households, load_policy(v.home.root)))
    return _cache[key][1]
