"""The settings page (设置): what the office changes without IT — office name and 监督电话, each township's
notice issuer and phone, dated 低保标准, holidays, review intervals, 公示 days, document types, materials
lists, the basis rules and how long task results are kept.

Every change goes through archiver/settings/ (the same as `dibao settings set`): validated, written to
policy.toml in place, and kept in the history. County administrators change everything; a township
administrator only their own township's issuer and phone; anyone else is told "not found" (audited).
A rejected value re-renders the page with what was typed and why.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archiver import doctypes, placeholders, settings
from archiver.errors import UserError
from archiver.policy import PolicyError
from archiver.policy.sections import MODES, ROUND_METHODS, ROUNDINGS

from .session import Reader, Refused, Viewer, Writer
from .templating import chinese, page

router = APIRouter()


def _may_open(v: Viewer) -> None:
    if v.role not in ("county", "township"):
        raise Refused("scope", "settings", v.name)


def _page(request: Request, v: Viewer, done: str = "", error: str = "", typed: dict | None = None,
          status_code: int = 200) -> Response:
    policy = settings.current(v.home)
    rows = [r for r in settings.rows(v.home, v.cat) if settings.allowed(r.key, v.role, v.area)]
    if v.role == "township":
        rows = [r for r in rows if settings.township_key(r.key) == v.area.split("/")[0]]
    today = dt.date.today().isoformat()
    standards = [{"start": s, "amounts": a, "used": settings.used(s)} for s, a in settings.standards_text(policy)]
    trail = settings.history(v.cat)[-50:][::-1] if v.role == "county" else []
    return page(request, "settings.html", v.user, status_code=status_code, rows={r.key: r for r in rows},
                township_rows=[r for r in rows if r.group == "乡镇"], standards=standards, today=today,
                holidays=[str(x) for x in policy.calendar.holidays], workdays=[str(x) for x in policy.calendar.workdays],
                types=doctypes.names(policy), retired=doctypes.retired(policy), builtin=doctypes.builtin(),
                materials=policy.required_documents, holes=placeholders.unset(policy), trail=trail,
                modes=MODES, roundings=ROUNDINGS, methods=ROUND_METHODS,
                done=done, error=error, typed=typed or {}, county=v.role == "county")


@router.get("/settings", response_class=HTMLResponse)
def show(request: Request, v: Reader, done: str = "") -> Response:
    _may_open(v)
    v.audit("settings.view")
    return _page(request, v, done=done)


@router.post("/settings", response_class=HTMLResponse)
def change(request: Request, v: Writer, key: str = Form(""), value: str = Form(""), old: str = Form(""),
           start: str = Form(""), city: str = Form(""), rural: str = Form("")) -> Response:
    _may_open(v)
    key = key.strip()
    if not settings.allowed(key, v.role, v.area):
        raise Refused("scope", f"setting {key}", v.name)
    typed = {"key": key, "value": value, "old": old, "start": start, "city": city, "rural": rural}
    if key == "standard.add":
        value = " ".join([start.strip(), *(f"{n}={a.strip()}" for n, a in (("城市", city), ("农村", rural)) if a.strip())])
    elif key == "document_types.rename":
        value = f"{old.strip()}={value.strip()}"
    try:
        c = settings.set_value(v.home, v.cat, key, value, v.name, v.remote)
    except (UserError, PolicyError, ValueError) as exc:
        return _page(request, v, error=chinese(str(exc)), typed=typed, status_code=400)
    return RedirectResponse(f"/settings?done={c.label}", status_code=303)


