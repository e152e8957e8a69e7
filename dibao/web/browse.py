"""Browsing the households of the user's area: township → village, with filters (status, class, 城市/农村,
overdue review, incomplete file) and paging with the true total. Plain filters are one SQL query a page;
the two computed ones (overdue, incomplete) read the area's households with their documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from archiver.catalog import Scope
from archiver.catalog.models import provisional_key
from archiver.policy import load as load_policy
from generators.rules import completeness, review_clock

from .session import Reader
from .templating import page

router = APIRouter()
PAGE = 30


@router.get("/households", response_class=HTMLResponse)
def households(request: Request, v: Reader, township: str = "", village: str = "", status: str = "",
               category: str = "", area_type: str = "", overdue: str = "", incomplete: str = "",
               p: int = 1) -> Response:
    tree = {t: vs for t, vs in v.cat.area_names().items() if _inside(v.scope, t, vs)}
    if v.role == "village":
        tree = {t: [x for x in vs if x == v.scope.village] for t, vs in tree.items()}
    where, args = v.scope.sql("h")
    for col, value in (("township", township), ("village", village), ("status", status),
                       ("category", category.upper()), ("area_type", area_type)):
        if value:
            where += f" AND h.{col} = ?"
            args.append(value)
    p = max(p, 1)
    if overdue or incomplete:
        policy = load_policy(v.home.root)
        today = dt.date.today().isoformat()
        chosen = v.cat.households(Scope(township=township or v.scope.township, village=village or v.scope.village),
                                  full=True)
        keep = []
        for h in chosen:
            if status and h.status != status or category and h.category != category.upper() or \
                    area_type and h.area_type != area_type:
                continue
            if overdue and not review_clock.is_overdue(h, today, policy):
                continue
            if incomplete and not completeness.missing(h, policy):
                continue
            keep.append({"key": h.key, "township": h.township, "village": h.village, "head_name": h.head_name,
                         "status": h.status, "category": h.category, "area_type": h.area_type, "persons": h.persons,
                         "monthly_amount": h.monthly_amount})
        total, rows = len(keep), keep[(p - 1) * PAGE: p * PAGE]
    else:
        total, raw = v.cat.browse_households(where, args, (p - 1) * PAGE, PAGE)
        rows = [{"key": r["household_no"] or provisional_key(int(r["id"])), "township": r["township"],
                 "village": r["village"], "head_name": r["head_name"], "status": r["status"], "category": r["category"],
                 "area_type": r["area_type"], "persons": r["persons"], "monthly_amount": r["monthly_amount"]} for r in raw]
    v.audit("households.browse", village or township or v.area or "全县", f"{total} 户")
    filters = {"township": township, "village": village, "status": status, "category": category,
               "area_type": area_type, "overdue": overdue, "incomplete": incomplete}
    pages = max(1, -(-total // PAGE))
    return page(request, "households.html", v.user, tree=tree, rows=rows, total=total, p=min(p, pages), pages=pages,
                f=filters, link=lambda **kw: _link(filters, **kw))


def _inside(scope: Scope, township: str, villages: list[str]) -> bool:
    if scope.township:
        return township == scope.township
    if scope.village:
        return scope.village in villages
    return True


def _link(filters: dict[str, str], **changes: Any) -> str:
    from urllib.parse import urlencode

    merged = {**filters, **{k: str(v) for k, v in changes.items()}}
    return "/households?" + urlencode({k: v for k, v in merged.items() if v})
