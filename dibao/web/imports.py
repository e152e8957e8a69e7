"""Imported spreadsheets as people check them: what dibao understood of each file (which column became which
field, which rows were header, data, total and footer, where 乡镇, type and period came from), the sheets held
for confirmation — confirmed or corrected here by a county or township user — and each file's rejected rows
as an .xlsx for the village to correct.

Who sees a file (属地管理): the county every file; a township or village user the files whose rows all lie in
their area (a file naming no 乡镇 stays with the county). Confirming is for county and township users.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archiver import sheet_review
from archiver.catalog import Row
from archiver.catalog import imports as store
from archiver.errors import UserError
from archiver.privacy import scrub
from archiver.rosters.mapping import SHOWN
from archiver.rosters.synonyms import KEY_FIELDS, SYNONYMS

from .session import Reader, Refused, Viewer, Writer
from .templating import page

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SKIP = "__none__"  # the form's "not read" choice


def _visible(v: Viewer, row: Row) -> bool:
    return store.within(row, v.scope)


def _file(v: Viewer, file_id: int) -> Row:
    row = v.cat.sheet_import(file_id)
    if row is None or not _visible(v, row):
        raise Refused("scope", f"import {file_id}", v.name)
    return row


def _fields(review: dict) -> list[tuple[str, str]]:
    """The fields the confirm form offers: those mapped, then the key ones a clerk may need to add."""
    mapped = [f for s in review["sheets"] for f in s["mapping"]]
    fields = list(dict.fromkeys([*mapped, *KEY_FIELDS]))
    return [(f, SHOWN.get(f, f)) for f in fields]


@router.get("/imports", response_class=HTMLResponse)
def listing(request: Request, v: Reader, confirmed: int = 0) -> Response:
    rows = [r for r in v.cat.sheet_imports() if _visible(v, r)]
    held = [r for r in rows if r["held"]]
    return page(request, "imports.html", v.user, held=held, files=[r for r in rows if not r["held"]][:200],
                confirmed=confirmed)


@router.get("/imports/{file_id}", response_class=HTMLResponse)
def one(request: Request, v: Reader, file_id: int, error: str = "", confirmed: int = 0) -> Response:
    row = _file(v, file_id)
    review = store.review_of(row)
    v.audit("import.view", str(file_id), row["source_name"])
    rejected = sheet_review.rejected(v.cat, file_id)
    sheets = []
    for s in review["sheets"]:
        by_col = {label: f for f, label in s["mapping"].items()}
        sheets.append({**s, "heads": [(label, SHOWN.get(by_col.get(label, ""), by_col.get(label, "")),
                                       s["match"].get(by_col.get(label, "")) == "weak") for label in s["columns"]]})
    may_confirm = bool(row["held"]) and v.role in ("county", "township")
    return page(request, "import_file.html", v.user, f=dict(row), review=review, sheets=sheets,
                rejected=rejected, may_confirm=may_confirm, fields=_fields(review), skip=SKIP,
                error=scrub(error)[:300], confirmed=confirmed)


@router.post("/imports/{file_id}/confirm")
async def confirm(request: Request, v: Writer, file_id: int) -> Response:
    row = _file(v, file_id)
    if v.role not in ("county", "township"):  # a village sends files; the township or county confirms them
        raise Refused("scope", f"import {file_id} confirm", v.name)
    form = await request.form()
    proposed = store.review_of(row)["sheets"][0]["mapping"]
    changes = {}
    for key, value in form.items():
        if not key.startswith("map_"):
            continue
        f, col = key[4:], str(value)
        if f not in SYNONYMS:
            continue
        col = "" if col == SKIP else col
        if col != proposed.get(f, ""):
            changes[f] = col
    try:
        sheet_review.confirm(v.home, v.cat, file_id, changes, v.name)
    except UserError as exc:
        return RedirectResponse(f"/imports/{file_id}?error={_q(str(exc))}", status_code=303)
    v.audit("import.confirmed", str(file_id), f"{row['source_name']} {changes}")
    return RedirectResponse(f"/imports/{file_id}?confirmed=1", status_code=303)


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text.split(" / ")[0][:200], safe="")


@router.get("/imports/{file_id}/rejected.xlsx")
def rejected_xlsx(v: Reader, file_id: int) -> Response:
    row = _file(v, file_id)
    with tempfile.TemporaryDirectory(prefix="web-", dir=v.home.tmp) as tmp:
        out = Path(tmp) / "rejected.xlsx"
        try:
            n = sheet_review.export_rejected(v.home, v.cat, file_id, out)
        except UserError as exc:
            raise Refused("missing", f"import {file_id} rejected: {exc}", v.name) from None
        data = out.read_bytes()
    v.audit("import.rejected.export", str(file_id), f"{row['source_name']}：{n}行")
    name = f"拒收行_{file_id}.xlsx"
    from urllib.parse import quote

    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=rejected_{file_id}.xlsx; "
                                                    f"filename*=UTF-8''{quote(name)}"})
