"""低保边缘 households in the browser: refused, stopped or ended by 渐退 in the user's area since a day, and
the same list as a spreadsheet (audited export), for the 动态监测 follow-up."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask

from archiver.filing import inside
from archiver.policy import load as load_policy

from .session import Reader, Viewer, Writer
from .templating import page

router = APIRouter()


def _since(value: str) -> str | None:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat() if value.strip() else f"{dt.date.today().year}-01-01"
    except ValueError:
        return None


def _rows(v: Viewer, since: str) -> list[dict]:
    from generators.rules import edge

    return edge.listing(v.cat, v.scope, since, load_policy(v.home.root))


@router.get("/edge", response_class=HTMLResponse)
def listing(request: Request, v: Reader, since: str = "") -> Response:
    from generators.rules import edge

    day = _since(since)
    if day is None:
        return page(request, "edge.html", v.user, status_code=400, error=f"日期格式应为 YYYY-MM-DD：{since}", rows=[],
                    since=since, area=v.scope_name or "全县", multiple=edge.multiple(load_policy(v.home.root)))
    rows = _rows(v, day)
    v.audit("view.edge", f"{v.scope_name or '全部'} {day}", f"{len(rows)}户")
    return page(request, "edge.html", v.user, rows=rows, since=day, area=v.scope_name or "全县", error="",
                multiple=edge.multiple(load_policy(v.home.root)))


@router.post("/edge/export")
def export(v: Writer, since: str = Form("")) -> Response:
    from generators import edge

    day = _since(since)
    if day is None:
        return HTMLResponse(f"日期格式应为 YYYY-MM-DD：{since}", status_code=400)
    area = v.scope_name or ""
    folder = Path(tempfile.mkdtemp(prefix="web-", dir=_tmp(v)))
    out = edge.write_xlsx(_rows(v, day), day, area.replace("/", ""), load_policy(v.home.root),
                          inside(folder, f"{area.replace('/', '')}低保边缘家庭_{day}起.xlsx"))
    v.audit("export.edge", f"{area or '全部'} {day}", out.name)
    return FileResponse(out, filename=out.name, background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


def _tmp(v: Viewer) -> Path:
    v.home.tmp.mkdir(parents=True, exist_ok=True)
    return v.home.tmp
