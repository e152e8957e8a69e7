"""登记申请户: a first-time applicant's household registered from the browser, inside the user's area
(archiver/applicants.py does the work; quarantined pages that now route to it are filed at once)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archiver import applicants
from archiver.errors import UserError

from .session import Reader, Refused, Viewer, Writer
from .templating import chinese, page

router = APIRouter()


def _form(request: Request, v: Viewer, error: str = "", status_code: int = 200, **given: str) -> Response:
    return page(request, "applicant.html", v.user, villages=v.villages(), county=v.role == "county", error=error,
                today=dt.date.today().isoformat(), given=given, status_code=status_code)


@router.get("/applicants/new", response_class=HTMLResponse)
def form(request: Request, v: Reader) -> Response:
    return _form(request, v)


@router.post("/applicants/new", response_class=HTMLResponse)
def add(request: Request, v: Writer, village: str = Form(""), name: str = Form(""), id_number: str = Form(""),
        members: str = Form(""), applied: str = Form(""), area_type: str = Form(""), address: str = Form(""),
        phone: str = Form("")) -> Response:
    area = v.area_named(village) or ""
    if area not in v.villages():
        raise Refused("scope", f"applicant village {village}", v.name)
    # after an error the form comes back with everything typed (ID numbers and members too: the same person's
    # own input, over the same connection); a form that lost its members would save a one-person household
    given = {"village": area, "name": name, "id_number": id_number, "members": members, "applied": applied,
             "area_type": area_type, "address": address, "phone": phone}
    try:
        people = [applicants.parse_member(line) for line in members.splitlines() if line.strip()]
        res = applicants.register(v.home, v.cat, v.name, area, applicants.Person(name, id_number), people,
                                  applied or None, area_type, address, phone, scope=v.scope, remote=v.remote)
    except UserError as exc:
        return _form(request, v, chinese(str(exc)), 400, **given)
    return RedirectResponse(f"/households/{res.key}?done={'registered_filed' if res.filed else 'registered'}",
                            status_code=303)
