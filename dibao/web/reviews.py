"""Recording a completed periodic review (复核) from the household page — the web twin of
`dibao review record`, validated and recorded by the same function (archiver/casesteps.py), scoped and
CSRF-checked like every form."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from archiver.casesteps import record_review

from .session import Writer

router = APIRouter()


@router.post("/households/{key:path}/reviews")
def record(v: Writer, key: str, date: str = Form(...), result: str = Form(...), reviewer: str = Form("")) -> Response:
    """A refused date or an empty result is a UserError: the error boundary answers 400 with its words."""
    h = v.household(key)
    record_review(v.cat, h.id, h.approved_on, date, result, reviewer, v.name)
    return RedirectResponse(f"/households/{quote(h.key, safe='')}", status_code=303)
