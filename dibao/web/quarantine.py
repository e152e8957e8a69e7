"""Quarantine review: see the page that could not be placed, find its household, file it with a type.

Who sees an item (属地管理): the county sees every item; a township or village user sees the items
whose candidate households are in their area and the files uploaded by users of their area. An item
with no candidates from a scanner share stays with the county, which is where such work lands today.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archiver import doctypes
from archiver.catalog import Row
from archiver.filing import StorageError
from archiver.policy import load as load_policy
from archiver.privacy import plain, scrub

from .. import users
from . import preview
from .session import Reader, Refused, Viewer, Writer
from .templating import page

router = APIRouter()


def _uploaded_by_area(v: Viewer) -> set[str]:
    """sha256 of every file uploaded through the web by a user whose area lies within v's (the county
    sees every item anyway, so for it there is nothing to look up)."""
    if v.role == "county":
        return set()
    mine = v.scope

    def within(u: Row) -> bool:  # the uploader's area lies inside v's (by whole path, not name)
        theirs = users.scope_of(dict(u), v.cat)
        return (not theirs.nothing and bool(theirs.township) and theirs.township == mine.township
                and (not mine.village or theirs.village == mine.village))

    peers = {u["name"] for u in v.cat.users() if u["role"] != "county" and within(u)}
    return {r["detail"].removeprefix("sha256=") for r in v.cat.audit_rows(actions=["upload"]) if r["user"] in peers}


def _visible(v: Viewer, q: Row, uploads: set[str]) -> bool:
    if v.role == "county":
        return True
    f = v.cat.file(int(q["file_id"]))
    return (f is not None and f["sha256"] in uploads) or bool(_candidates(v, q))


def visible_items(v: Viewer) -> list[Row]:
    uploads = _uploaded_by_area(v)
    return [q for q in v.cat.quarantine_items() if _visible(v, q, uploads)]


def _candidates(v: Viewer, q: Row) -> list[dict]:
    """The item's candidate households (stored as household keys) that lie in the user's area."""
    from archiver.quarantine import candidates

    return candidates(v.cat, int(q["id"]), v.scope)


def _named(v: Viewer, q: Row, known: list[dict]) -> list[dict]:
    """Households the page names a person of, where the name is unique in the user's area: offered, never filed."""
    from archiver.catalog.models import provisional_key
    from archiver.namehints import unique_households

    have = {c["id"] for c in known}
    out = []
    for hint in unique_households(v.cat, q["text"] or "", v.scope):
        h = v.cat.household_row(hint.household_id)
        if h is None or hint.household_id in have:
            continue
        out.append({"household_id": h["household_no"] or provisional_key(int(h["id"])), "village": h["village"] or "",
                    "head_name": h["head_name"] or "", "township": h["township"] or "", "id": int(h["id"]),
                    "by_name": hint.name})
    return out


def _item(v: Viewer, item_id: int) -> Row:
    """One open item the user may see (checked for that item alone, as every page image asks)."""
    q = v.cat.quarantine_item(item_id)
    if q is None or q["resolved_at"] or not _visible(v, q, _uploaded_by_area(v)):
        raise Refused("scope", f"quarantine {item_id}", v.name)
    return q


MAX_PAGES_SHOWN = 100  # a file of thousands of pages (quarantined for that) must not become thousands of images


def _pages(v: Viewer, q: Row) -> list[int]:
    if q["pages"]:
        return [int(x) for x in q["pages"].split(",")][:MAX_PAGES_SHOWN]
    path = v.home.root / q["path"] if q["path"] else None
    count = preview.safe_page_count(path)[0] if path and path.exists() else 0
    return list(range(1, min(count, MAX_PAGES_SHOWN) + 1))


@router.get("/quarantine", response_class=HTMLResponse)
def listing(request: Request, v: Reader, filed: str = "", done: str = "") -> Response:
    items = [{**dict(q), "candidates": [f"{c['head_name']}户 {c['household_id']}（{c['village']}）" for c in _candidates(v, q)],
              "first_page": (_pages(v, q) or [0])[0]} for q in visible_items(v)]
    rejected = done == "rejected"
    return page(request, "quarantine.html", v.user, items=items, filed=filed, rejected=rejected)


@router.get("/quarantine/{item_id}", response_class=HTMLResponse)
def item(request: Request, v: Reader, item_id: int, error: str = "") -> Response:
    q = _item(v, item_id)
    v.audit("quarantine.view", str(item_id), q["source_name"])
    policy = load_policy(v.home.root)
    return page(request, "quarantine_item.html", v.user, q=dict(q), pages=_pages(v, q), text=scrub(q["text"] or ""),
                candidates=_candidates(v, q) + _named(v, q, _candidates(v, q)), types=doctypes.names(policy),
                guess=doctypes.of_text(policy, q["text"] or ""),
                error="请写明不予归档的原因。" if error == "reason" else ("" if not error else "未能归档，请检查所选页和户。"))


@router.get("/quarantine/{item_id}/pages/{n}")
def item_page(v: Reader, item_id: int, n: int, thumb: bool = False) -> Response:
    q = _item(v, item_id)
    if n not in _pages(v, q):
        raise Refused("scope", f"quarantine {item_id} page {n}", v.name)
    v.audit("quarantine.page", str(item_id), f"{q['source_name']} 第{n}页")
    try:
        data, media = preview.safe_render(v.home.root / q["path"], n, preview.THUMB if thumb else preview.VIEW)
    except IndexError:
        raise Refused("scope", f"quarantine {item_id} page {n}", v.name) from None
    return Response(data, media_type=media)


@router.get("/quarantine/{item_id}/households", response_class=HTMLResponse)
def pick(request: Request, v: Reader, item_id: int, q: str = "") -> Response:
    """Households to choose from while assigning: the user's own search, limited to their area."""
    from archiver.index import open_index, sync_if_possible

    _item(v, item_id)
    results = []
    if q.strip():
        sync_if_possible(v.home, v.cat)
        results = [r.household for r in open_index(v.home).search(v.cat, q, limit=10, scope=v.scope).results]
        v.audit("search", q, f"quarantine {item_id}: {len(results)} hits")
    return page(request, "quarantine_pick.html", v.user, households=results)


@router.post("/quarantine/{item_id}/assign")
async def assign(request: Request, v: Writer, item_id: int, household: str = Form(...), doc_type: str = Form("")) -> Response:
    """File the item, or only the ticked pages of it (the rest stays here for another household)."""
    from archiver import quarantine

    q = _item(v, item_id)
    h = v.household(household)
    chosen = doctypes.normalise(load_policy(v.home.root), doc_type) if doc_type else None
    if doc_type and chosen is None:
        raise Refused("scope", f"type {doc_type}", v.name)
    form = await request.form()
    ticked = [int(str(x)) for x in form.getlist("pages") if str(x).isdigit()]
    try:
        doc_id = quarantine.assign(v.home, v.cat, item_id, h.id, chosen, v.name, ticked or None)
    except StorageError as exc:  # nothing was filed; the item stays open for a later try
        return HTMLResponse(f"<h1>未能归档：{html.escape(plain(str(exc)))}</h1>", status_code=507)
    except (LookupError, ValueError):
        return RedirectResponse(f"/quarantine/{item_id}?error=assign", status_code=303)
    v.audit("quarantine.assign", str(item_id), f"{q['source_name']} → {h.key} 档案{doc_id}")
    still_open = v.cat.quarantine_item(item_id)
    if ticked and still_open is not None and not still_open["resolved_at"]:
        return RedirectResponse(f"/quarantine/{item_id}?filed={quote(h.key, safe='')}", status_code=303)
    return RedirectResponse(f"/quarantine?filed={quote(h.key, safe='')}", status_code=303)
