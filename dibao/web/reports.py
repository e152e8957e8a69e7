"""Reports from the browser: the same generators as `dibao report …`, limited to the user's area,
each download audited. Files are made in a private temporary folder and removed once sent; the reports that
read a whole county (工作总结, 检查通报) run as jobs with progress (jobs.py)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask

from archiver.catalog import Catalog
from archiver.errors import UserError
from archiver.filing import safe_part
from archiver.policy import load as load_policy
from archiver.policy import notice_length

from . import jobs
from .session import Reader, Refused, Viewer, Writer
from .templating import page

router = APIRouter()


@router.get("/reports", response_class=HTMLResponse)
def form(request: Request, v: Reader) -> Response:
    return _form(request, v)


def _form(request: Request, v: Viewer, error: str = "", status_code: int = 200, typed_key: str = "") -> Response:
    today = dt.date.today()
    return page(request, "reports.html", v.user, status_code=status_code, error=error, typed_key=typed_key, areas=v.areas(),
                villages=v.villages(), county=v.role == "county", year=today.year, today=today.isoformat(),
                month=today.strftime("%Y-%m"), notice_days=notice_length(load_policy(v.home.root)))


def _scope(v: Viewer, given: str) -> str | None:
    if not given:
        return None if v.role == "county" else v.area
    area = v.area_named(given)
    if area is None:
        raise Refused("scope", f"report scope {given}", v.name)
    return area


def _send(request: Request, v: Viewer, what: str, target: str, filename: str,
          make: Callable[[Path], Path]) -> Response:
    folder = Path(tempfile.mkdtemp(prefix="web-", dir=_tmp(v)))
    try:
        out = make(folder / filename)
    except UserError as exc:  # TemplateProblem, NoticeProblem, NothingToNotice, AreaProblem, …: the staff's to fix
        shutil.rmtree(folder, ignore_errors=True)
        return _form(request, v, str(exc), 400)
    v.audit(f"export.{what}", target, out.name)
    return FileResponse(out, filename=out.name, background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


def _part(area: str | None) -> str:
    """An area path inside a file name (乡镇/村 → 乡镇村)."""
    return (area or "").replace("/", "")


def _tmp(v: Viewer) -> Path:
    v.home.tmp.mkdir(parents=True, exist_ok=True)
    return v.home.tmp


@router.post("/reports/summary")
def summary(v: Writer, year: int = Form(...), scope: str = Form("")) -> Response:
    """A county's summary reads every household and runs every check: a job with progress, not a request."""
    from generators import summary as gen

    area = _scope(v, scope)
    policy = load_policy(v.home.root)
    name = f"{year}年{_part(area)}低保工作总结.docx"

    def work(cat: Catalog, job: jobs.Job, folder: Path) -> Path:
        return gen.render(cat, year, area, policy, folder / name, v.home.templates, progress=job.progress)

    return jobs.launch(v, "summary", f"{year} {area or '全部'}", work,
                       {"action": "/reports/summary", "fields": {"year": str(year), "scope": scope}})


@router.post("/reports/notice")
def notice(request: Request, v: Writer, village: str = Form(...), kind: str = Form(...), start: str = Form(""),
           days: int = Form(0), fmt: str = Form("pdf"), end: str = Form("")) -> Response:
    """A village's notice, or — a township chosen — every village of it in one file, one notice per page."""
    from generators import notice as gen

    given, area = village, v.area_named(village) or ""
    township = area if area and "/" not in area else None  # a township: all its villages
    if area not in v.villages() and township is None:
        raise Refused("scope", f"notice village {given}", v.name)
    policy = load_policy(v.home.root)
    try:
        first = dt.date.fromisoformat(start) if start else dt.date.today()
        until = dt.date.fromisoformat(end) if end else None
    except ValueError:
        return _form(request, v, f"日期格式应为 YYYY-MM-DD：{start} {end}".strip(), 400)
    suffix = "docx" if fmt == "docx" else "pdf"
    return _send(request, v, "notice", f"{area} {kind}", f"{_part(area)}{kind}公示_{first.isoformat()}.{suffix}",
                 lambda out: gen.render(v.cat, None if township else area, kind, first, days or notice_length(policy),
                                        policy, out, v.home.templates, until=until,
                                        township=township or v.scope.township))


@router.post("/reports/inspection")
def inspection(v: Writer, year: int = Form(...), scope: str = Form("")) -> Response:
    from generators import inspection as gen

    area = _scope(v, scope)
    policy = load_policy(v.home.root)
    name = f"{year}年{_part(area)}低保检查通报.docx"

    def work(cat: Catalog, job: jobs.Job, folder: Path) -> Path:
        return gen.render(cat, area, year, policy, folder / name, v.home.templates, progress=job.progress)[0]

    return jobs.launch(v, "inspection", f"{year} {area or '全部'}", work,
                       {"action": "/reports/inspection", "fields": {"year": str(year), "scope": scope}})


@router.post("/reports/dossier")
def dossier(request: Request, v: Writer, key: str = Form(...)) -> Response:
    from generators import dossier as gen

    from .lookup import NotFound, find_household

    try:
        h = find_household(v, key)
    except NotFound as exc:  # a name or number that finds nothing: said, and the form keeps what was typed
        return _form(request, v, str(exc), 400, typed_key=key)
    policy = load_policy(v.home.root)
    return _send(request, v, "dossier", h.key, safe_part(f"{h.key}_{h.head_name}_档案.pdf", 120),
                 lambda out: gen.build(v.home, h, policy, out))


@router.post("/reports/reviews")
def review_plan(request: Request, v: Writer, month: str = Form(...), scope: str = Form("")) -> Response:
    from generators import reviews as gen

    area = _scope(v, scope)
    policy = load_policy(v.home.root)
    return _send(request, v, "reviews", f"{month} {area or '全部'}", f"{month}{_part(area)}复核计划.xlsx",
                 lambda out: gen.write_xlsx(gen.due(v.cat, month, area, policy, include_done=True), month, area, out))


@router.post("/reports/monthly")
def monthly_report(request: Request, v: Writer, month: str = Form(""), quarter: str = Form(""),
                   scope: str = Form("")) -> Response:
    """The 低保月报 (or 季报) of the user's area: the same figures as `dibao report monthly`."""
    from generators import monthly as gen

    area = _scope(v, scope)
    try:
        period = gen.quarter(quarter) if quarter.strip() else gen.month(month)
    except gen.BadPeriod as exc:
        return _form(request, v, str(exc), 400)
    policy = load_policy(v.home.root)
    kind = "季报" if "Q" in period.key else "月报"
    return _send(request, v, "monthly", f"{period.key} {area or '全部'}", f"{period.label}{_part(area)}低保{kind}.xlsx",
                 lambda out: gen.write_xlsx(v.cat, gen.compute(v.cat, period, area, policy), policy, out))
