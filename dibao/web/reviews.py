"""Recording a completed periodic review (复核) from the household page — the web twin of
`dibao review record`, through the same catalog function, scoped and CSRF-checked like every form."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archiver.catalog import reviews
from archiver.privacy import scrub

from .session import Writer

router = APIRouter()


@router.post("/households/{key:path}/reviews")
def record_review(v: Writer, key: str, date: str = Form(...), result: str = Form(...), reviewer: str = Form("")) -> Response:
    h = v.household(key)
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return HTMLResponse(f"复核日期格式应为 YYYY-MM-DD：{scrub(date)}", status_code=400)
    if day > dt.date.today() or (h.approved_on and date < h.approved_on):
        return HTMLResponse("复核日期不能晚于今天，也不能早于纳入日期", status_code=400)
    if not result.strip():
        return HTMLResponse("复核结果不能为空", status_code=400)
    reviews.record(v.cat, h.id, day.isoformat(), result.strip(), reviewer.strip(), v.name)
    return RedirectResponse(f"/households/{quote(h.key, safe='')}", status_code=303)
