"""Recording a stop decision and a 家庭经济状况核对 from the household page — the web twins of `dibao cases
stop` and `dibao cases verify`, validated by the same archiver.casesteps functions, scoped to the user's area
and CSRF-checked like every form. Deciding a stop or entering a check is township or county work: a village
user sees neither form and is refused if they post one."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from archiver.casesteps import record_check, record_stop
from archiver.errors import UserError

from .session import Refused, Viewer, Writer

router = APIRouter()
ROLES = ("county", "township")


def _deciding(v: Viewer, key: str, what: str) -> int:
    h = v.household(key)
    if v.role not in ROLES:
        raise Refused("role", f"{what} {h.key}", v.name)
    return h.id


def _back(key: str, done: str) -> Response:
    return RedirectResponse(f"/households/{quote(key, safe='')}?done={done}#case-steps", status_code=303)


def _again(request: Request, v: Viewer, key: str, e: UserError, typed: dict[str, Any]) -> Response:
    """The household page again with the reason and every field as typed (nothing typed is lost)."""
    from .households import household_page

    return household_page(request, v, key, step_error=str(e).split(" / ", 1)[0], typed=typed, status_code=400)


@router.post("/households/{key:path}/stop")
def stop(request: Request, v: Writer, key: str, date: str = Form(""), reason: str = Form(""),
         notified: str = Form("")) -> Response:
    hid = _deciding(v, key, "stop")
    try:
        record_stop(v.cat, hid, date, reason, v.name, notified or None)
    except UserError as e:
        return _again(request, v, key, e, {"form": "stop", "date": date, "reason": reason, "notified": notified})
    return _back(key, "stopped" if notified else "stopped_untold")


@router.post("/households/{key:path}/verify")
def verify(request: Request, v: Writer, key: str, date: str = Form(""), result: str = Form(""),
           found: Annotated[list[str] | None, Form()] = None) -> Response:
    hid = _deciding(v, key, "verify")
    try:
        record_check(v.cat, hid, date, result, found or [], v.name)
    except UserError as e:
        return _again(request, v, key, e, {"form": "verify", "date": date, "result": result, "found": found or []})
    return _back(key, "checked")
