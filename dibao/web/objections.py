"""The objections register in the browser (公示异议、信访、举报、来电): the user's area only (a township sees
its villages, the county every township), each entry with its deadline; registering and closing go
through the same catalog functions as `dibao objection`, CSRF-checked and audited. This page is the
register itself, so it shows the complainant's name; nothing else does."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archiver.catalog import objections as register
from archiver.policy import load as load_policy

from .session import Reader, Refused, Viewer, Writer
from .templating import page

router = APIRouter()


def _area(v: Viewer, given: str) -> str | None:
    if not given:
        return v.scope_name
    area = v.area_named(given)
    if area is None:
        raise Refused("scope", f"objections {given}", v.name)
    return area


@router.get("/objections", response_class=HTMLResponse)
def listing(request: Request, v: Reader, scope: str = "", open: str = "") -> Response:
    return _page(request, v, scope, bool(open))


def _page(request: Request, v: Viewer, scope: str, open_only: bool, error: str = "",
          status_code: int = 200) -> Response:
    from generators import stats
    from generators.rules import objections

    area = _area(v, scope)
    rows = objections.register_rows(v.cat, stats.area(v.cat, area), load_policy(v.home.root), open_only=open_only)
    v.audit("view.objections", area or "全部", f"{len(rows)}条")
    return page(request, "objections.html", v.user, status_code=status_code, error=error, rows=rows,
                area=area or "全县", scope=scope, areas=v.areas(), county=v.role == "county", open_only=open_only,
                kinds=register.KINDS, results=register.RESULTS, today=dt.date.today().isoformat())


def _day(value: str) -> str | None:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


@router.post("/objections")
def add(request: Request, v: Writer, household: str = Form(...), kind: str = Form(...), date: str = Form(...),
        by: str = Form(""), text: str = Form(...), about: str = Form(""), checker: str = Form("")) -> Response:
    h = v.household(household.strip())
    day = _day(date)
    if kind not in register.KINDS or day is None or not text.strip():
        return _page(request, v, "", False, "请选择类型、填写受理日期（YYYY-MM-DD）和反映的问题", 400)
    v.cat.add_objection(h.id, kind, day, by, text.strip(), v.name, about.strip(), checker.strip())
    return _back(v, h.township)


@router.post("/objections/{oid}/close")
def close(request: Request, v: Writer, oid: int, date: str = Form(...), result: str = Form(...),
          finding: str = Form(...), checker: str = Form("")) -> Response:
    o = v.cat.objection(oid)
    if o is None or v.cat.household(o.household_id, v.scope) is None:  # another area's entry: not found
        raise Refused("scope", f"objection {oid}", v.name)
    day = _day(date)
    if result not in register.RESULTS or day is None or day < o.raised_on or not finding.strip():
        return _page(request, v, "", False, "请填写办结日期（不早于受理日期）、核查结果和核查情况", 400)
    v.cat.close_objection(oid, day, result, finding.strip(), v.name, checker.strip())
    return _back(v, o.township)


def _back(v: Viewer, township: str) -> Response:
    """To the township's register for the county; to their own area's for everyone else."""
    return RedirectResponse(f"/objections?scope={quote(township)}" if v.role == "county" else "/objections",
                            status_code=303)
