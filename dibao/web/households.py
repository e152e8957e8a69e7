"""Pages about households: the dashboard, instant search, the household file, its documents.

Every document byte that leaves the server (download, viewer page, page image, thumbnail) goes
through `_doc()`, which checks the area and writes the audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from archiver import doctypes
from archiver.catalog import areas
from archiver.catalog.models import Household, today
from archiver.policy import load as load_policy
from archiver.privacy import mask_account, mask_id, mask_phone, scrub
from generators import reviews
from generators.rules import basis, completeness, review_clock

from . import casesdue, preview
from .quarantine import visible_items
from .session import Reader, Refused, Viewer, Writer
from .templating import is_htmx, page

router = APIRouter()


_due_cache: dict[tuple[str | None, str], tuple[str, list[dict]]] = {}


def _reviews_due(v: Viewer, day: str) -> list[dict]:
    """Reviews due this month, overdue as of `day` (the review clock the households filter reads too),
    recomputed only when the catalog's facts change: at county scale the computation loads every household
    (seconds), the dashboard is opened many times a day."""
    key, mark = (v.scope_name, day), v.cat.change_mark()
    cached = _due_cache.get(key)
    if cached is None or cached[0] != mark:
        try:
            rows = reviews.due(v.cat, day[:7], v.scope_name, load_policy(v.home.root), as_of=day)
        except areas.AreaProblem:  # a user whose area has no household on file yet
            rows = []
        _due_cache[key] = (mark, rows)
    return _due_cache[key][1]


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, v: Reader) -> Response:
    totals = v.cat.area_totals(v.scope)
    today = dt.date.today()
    month_start = today.replace(day=1).isoformat()
    due = _reviews_due(v, today.isoformat())
    return page(request, "dashboard.html", v.user, area=v.area or "全县", households=totals["active"],
                persons=totals["persons"], total=totals["total"],
                changes=v.cat.event_counts(month_start, today.isoformat(), v.scope),
                recent=v.cat.events_between(month_start, today.isoformat(), v.scope, limit=15),
                overdue=[r for r in due if r["overdue"]], due=len(due), quarantine=len(visible_items(v)),
                month=today.strftime("%Y年%-m月"), todo=casesdue.steps_due(v))


PAGE = 30


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, v: Reader, q: str = "", offset: int = 0) -> Response:
    """Results a page at a time, with the true number of matching households ("共 40 户")."""
    from archiver.index import open_index, sync_if_possible

    results, total, offset = [], 0, max(offset, 0)
    if q.strip():
        idx = open_index(v.home)
        sync_if_possible(v.home, v.cat)
        res = idx.search(v.cat, q, limit=PAGE, scope=v.scope, offset=offset)
        results, total = res.results, res.total
        v.audit("search", q, f"{total} hits")
    name = "search_results.html" if is_htmx(request) else "search.html"
    return page(request, name, v.user, q=q, results=results, total=total, offset=offset, size=PAGE)


@router.get("/households/{key:path}", response_class=HTMLResponse)
@router.get("/household/{key:path}", response_class=HTMLResponse)
def household(request: Request, v: Reader, key: str, done: str = "", error: str = "") -> Response:
    return household_page(request, v, key, done, error)


def household_page(request: Request, v: Viewer, key: str, done: str = "", error: str = "", step_error: str = "",
                   typed: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    """The household file; a refused case-step form comes back here with its message and what was typed."""
    from archiver.casesteps import CHECK_FINDS, RESULTS
    from archiver.corrections import history

    from .corrections import DONE, ERRORS

    h = v.household(key)
    v.audit("household.view", h.key)
    policy = load_policy(v.home.root)
    checklist = completeness.for_household(h, policy)
    from generators.rules.cases import household_cases

    account = h.bank_account or next((p.bank_account for p in reversed(h.payments) if p.bank_account), "")
    return page(request, "household.html", v.user, h=h, timeline=_timeline(h), checklist=checklist,
                phone=mask_phone(h.phone), account=mask_account(account), next_review=_next_review(h, policy),
                months=_by_month(h), conflicts=v.cat.import_conflicts(h.id), changes=history(v.cat, household_id=h.id),
                done=DONE.get(done, ""), error=ERRORS.get(error, ""), types=doctypes.names(policy),
                coverage=[(bool(r["covered"]), r["covered_reason"] or "") for r in v.cat.members_rows(h.id)],
                cases=household_cases(v.cat, h, policy), basis=basis.compute(h, today(), policy),
                may_decide=v.role in ("county", "township"), check_finds=CHECK_FINDS, check_results=RESULTS,
                step_error=step_error, typed=typed or {}, status_code=status_code)


def _next_review(h: Household, policy: Any) -> dict | None:
    """When this household's next periodic review falls due (class interval after the last review)."""
    today = dt.date.today().isoformat()
    due = review_clock.due_on(h, today, policy)
    if due is None or not h.in_care_on(today):
        return None
    return {"due": due.isoformat(), "last": review_clock.last_review_or_start(h, today),
            "overdue": review_clock.is_overdue(h, today, policy)}


def _by_month(h: Household) -> list[tuple[str, float]]:
    """Payments spread over the months they cover, newest first (a quarter's sheet counts in each month)."""
    out: dict[str, float] = {}
    for p in h.payments:
        months = p.months() or [p.period_start]
        for m in months:
            out[m] = out.get(m, 0.0) + p.amount / len(months)
    return sorted(out.items(), reverse=True)


@router.post("/households/{key:path}/members/{n}/reveal", response_class=HTMLResponse)
def reveal(v: Writer, key: str, n: int) -> Response:
    """The full ID of one member, on an explicit click; the reveal itself is audited."""
    h = v.household(key)
    if not 0 <= n < len(h.members):
        raise Refused("scope", f"member {h.key}/{n}", v.name)
    m = h.members[n]
    v.audit("member.reveal", h.key, f"成员 {m.name}")
    return HTMLResponse(f'<span class="id revealed">{m.id_number}</span>')


def _doc(v: Viewer, doc_id: int, action: str) -> tuple[dict, Household]:
    d, h = v.document(doc_id)
    v.audit(action, str(doc_id), f"{h.key} {d['type']}")
    return d, h


@router.get("/documents/{doc_id}")
def download(v: Reader, doc_id: int) -> Response:
    d, _ = _doc(v, doc_id, "document.download")
    return FileResponse(v.home.root / d["path"], filename=d["path"].rsplit("/", 1)[-1])


@router.get("/documents/{doc_id}/view", response_class=HTMLResponse)
def view(request: Request, v: Reader, doc_id: int, done: str = "") -> Response:
    from archiver.corrections import history
    from archiver.doctypes import names
    from archiver.policy import load as load_policy

    from .corrections import DONE

    d, h = _doc(v, doc_id, "document.view")
    pages, _ = preview.safe_page_count(v.home.root / d["path"])
    texts = v.cat.page_texts(doc_id)
    name = "viewer_panel.html" if is_htmx(request) else "viewer.html"
    return page(request, name, v.user, d=d, h=h, pages=pages, texts=texts, types=names(load_policy(v.home.root)), typed={}, error="",
                done=DONE.get(done, ""), history=history(v.cat, document_id=doc_id))


@router.get("/documents/{doc_id}/pages/{n}")
def page_image(v: Reader, doc_id: int, n: int) -> Response:
    d, _ = _doc(v, doc_id, "document.page")
    return _jpeg(v, d["path"], n, preview.VIEW)


@router.get("/documents/{doc_id}/thumb")
def thumb(v: Reader, doc_id: int) -> Response:
    d, _ = _doc(v, doc_id, "document.thumb")
    return _jpeg(v, d["path"], 1, preview.THUMB)


def _jpeg(v: Viewer, rel: str, n: int, side: int) -> Response:
    """A page image, or a placeholder image that says why the page cannot be drawn (never a 500)."""
    try:
        data, media = preview.safe_render(v.home.root / rel, n, side)
    except IndexError:
        raise Refused("scope", f"page {n} of {rel}", v.name) from None
    return Response(data, media_type=media)


@router.get("/api/households")
def api_households(v: Reader) -> Response:
    hs = v.cat.households(v.scope)
    v.audit("api.households", "", f"{len(hs)} rows")
    return JSONResponse({"households": [{"household_id": h.key, "village": h.village, "head_name": h.head_name,
                                         "head_id": mask_id(h.head_id_number), "status": h.status} for h in hs]})


def _timeline(h: Household) -> list[dict]:
    """Changes, reviews and filed documents in one list, newest first — the story of the file."""
    items: list[dict[str, Any]] = [{"date": e.date, "what": e.kind, "kind": "event",
              "detail": " ".join(x for x in [_amounts(e.old_amount, e.new_amount), e.reason] if x),
              "source": e.source} for e in h.events]
    items += [{"date": d.date or "", "what": f"归档：{d.type}", "kind": "document", "detail": scrub(d.source_name),
               "source": "", "document_id": d.document_id} for d in h.documents]
    return sorted(items, key=lambda i: i["date"], reverse=True)


def _amounts(old: float | None, new: float | None) -> str:
    if old is not None and new is not None:
        return f"{old:.2f}→{new:.2f}元"
    if new is not None:
        return f"{new:.2f}元"
    return ""
