"""`dibao serve`: the web front door (FastAPI + Jinja2, everything served locally).

Every page needs a login; each user sees only their area (属地管理) — enforced by passing the user's
Scope into the catalog and search queries, and by checking a record's area before showing it, so a
guessed URL or id answers 404 and is audited. Every view, reveal and download is in the audit log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from archiver.catalog import Catalog, Scope
from archiver.catalog.models import Household
from archiver.home import Home
from archiver.privacy import mask_id

from .. import users

COOKIE = "dibao_session"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["mask_id"] = mask_id


def in_scope(h: Household, scope: Scope) -> bool:
    return (not scope.township or h.township == scope.township) and (not scope.village or h.village == scope.village)


def create_app(home: Home) -> FastAPI:
    home.require()
    app = FastAPI(title="低保档案", docs_url=None, redoc_url=None, openapi_url=None)

    def catalog() -> Catalog:
        return Catalog(home.catalog_path)

    def current(request: Request, cat: Catalog) -> dict | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        s = cat.session(users.token_hash(token))
        if s is None:
            return None
        u = cat.user_by_id(int(s["user_id"]))
        return {**dict(u), "csrf": s["csrf"]} if u is not None else None

    def remote(request: Request) -> str:
        return request.client.host if request.client else ""

    def denied(request: Request, cat: Catalog, user: dict | None, target: str) -> Response:
        with cat.transaction():
            cat.audit(user["name"] if user else "-", "denied", target, request.url.path, remote(request))
        if user is None:
            if request.url.path.startswith("/api/"):
                return JSONResponse({"error": "需要登录 / login required"}, status_code=401)
            return RedirectResponse("/login", status_code=303)
        return HTMLResponse("<h1>404 找不到 / not found</h1>", status_code=404)

    def page(request: Request, name: str, user: dict, **ctx: Any) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, name, {"user": user, **ctx})

    @app.middleware("http")
    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
        return response

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, error: str = "") -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, "login.html", {"error": error, "user": None})

    @app.post("/login")
    def login(request: Request, name: str = Form(...), password: str = Form(...)) -> Response:
        cat = catalog()
        try:
            token, _ = users.login(cat, name, password, remote(request))
        except users.LoginRefused as exc:
            return TEMPLATES.TemplateResponse(request, "login.html", {"error": str(exc), "user": None}, status_code=401)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, secure=True, samesite="strict", max_age=users.SESSION_HOURS * 3600)
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        cat = catalog()
        user = current(request, cat)
        if user is None or csrf != user["csrf"]:
            return denied(request, cat, user, "logout")
        with cat.transaction():
            cat.delete_session(users.token_hash(request.cookies.get(COOKIE, "")))
            cat.audit(user["name"], "logout", "", "", remote(request))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def dashboard(request: Request) -> Response:
        cat = catalog()
        user = current(request, cat)
        if user is None:
            return denied(request, cat, user, "/")
        scope = users.scope_of(user)
        hs = cat.households(scope)
        active = [h for h in hs if h.status == "在保"]
        quarantine = len(cat.quarantine_items()) if user["role"] == "county" else None
        return page(request, "dashboard.html", user, households=len(active), persons=sum(h.persons or 0 for h in active),
                    total=len(hs), quarantine=quarantine, area=user["area"] or "全县")

    @app.get("/search", response_class=HTMLResponse)
    def search(request: Request, q: str = "") -> Response:
        from archiver.index import open_index, sync

        cat = catalog()
        user = current(request, cat)
        if user is None:
            return denied(request, cat, user, "search")
        results = []
        if q.strip():
            idx = open_index(home)
            sync(home, cat)
            results = idx.search(cat, q, limit=20, scope=users.scope_of(user)).results
            with cat.transaction():
                cat.audit(user["name"], "search", q, f"{len(results)} hits", remote(request))
        return page(request, "search.html", user, q=q, results=results)

    @app.get("/households/{key}", response_class=HTMLResponse)
    @app.get("/household/{key}", response_class=HTMLResponse)
    def household(request: Request, key: str) -> Response:
        cat = catalog()
        user = current(request, cat)
        hid = cat.resolve_key(key) if user else None
        h = cat.household(hid) if hid is not None else None
        if user is None or h is None or not in_scope(h, users.scope_of(user)):
            return denied(request, cat, user, f"household {key}")
        with cat.transaction():
            cat.audit(user["name"], "household.view", h.key, "", remote(request))
        return page(request, "household.html", user, h=h)

    @app.get("/documents/{doc_id}")
    def document(request: Request, doc_id: int) -> Response:
        cat = catalog()
        user = current(request, cat)
        d = cat.document_row(doc_id) if user else None
        h = cat.household(int(d["household_id"])) if d is not None else None
        if user is None or d is None or h is None or not in_scope(h, users.scope_of(user)):
            return denied(request, cat, user, f"document {doc_id}")
        with cat.transaction():
            cat.audit(user["name"], "document.view", str(doc_id), f"{h.key} {d['type']}", remote(request))
        return FileResponse(home.root / d["path"], filename=Path(d["path"]).name)

    @app.get("/api/households")
    def api_households(request: Request) -> Response:
        cat = catalog()
        user = current(request, cat)
        if user is None:
            return denied(request, cat, user, "api/households")
        hs = cat.households(users.scope_of(user))
        with cat.transaction():
            cat.audit(user["name"], "api.households", "", f"{len(hs)} rows", remote(request))
        return JSONResponse({"households": [{"household_id": h.key, "village": h.village, "head_name": h.head_name,
                                             "head_id": mask_id(h.head_id_number), "status": h.status} for h in hs]})

    return app
