"""`dibao serve`: the web front door (FastAPI + Jinja2 + htmx, every asset served from the package).

Every page needs a login; each user sees only their area (属地管理). Both are enforced by the
dependencies in session.py, which every route takes; a refused request is answered here, in one
place, and written to the audit log. Optionally the app runs the inbox watcher in a thread, so that
one `dibao serve` is all a township office has to start.
"""

from __future__ import annotations

import secrets
import shutil
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from archiver.catalog import Catalog
from archiver.home import Home
from archiver.privacy import scrub

from .. import users
from . import account, households, quarantine, reports, reviews, upload
from .session import COOKIE, Refused, Writer, remote
from .templating import is_htmx, page

STATIC = Path(__file__).parent / "static"
LOGIN_COOKIE = "dibao_login"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def create_app(home: Home, watch: bool = False) -> FastAPI:
    home.require()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for left in home.tmp.glob("web-*"):  # reports a killed server did not get to remove: personal data
            shutil.rmtree(left, ignore_errors=True)
        app.state.watcher = _start_watcher(home) if watch else None
        try:
            yield
        finally:
            if app.state.watcher is not None:
                app.state.watcher.stop()

    app = FastAPI(title="低保档案", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.home = home
    app.state.watcher = None
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(Refused)
    def refused(request: Request, exc: Refused) -> Response:
        cat = Catalog(home.catalog_path)
        try:
            with cat.transaction():
                cat.audit(exc.user, "denied", scrub(exc.target), scrub(f"{exc.why} {request.method} {request.url.path}"),
                          remote(request))
        finally:
            cat.close()
        if exc.why == "login":
            if request.url.path.startswith("/api/") or request.method != "GET":
                return JSONResponse({"error": "需要登录 / login required"}, status_code=401)
            if is_htmx(request):
                return Response(status_code=401, headers={"HX-Redirect": "/login"})
            return RedirectResponse("/login", status_code=303)
        if exc.why == "csrf":
            return HTMLResponse("<h1>403 请求无效，请刷新页面后重试 / invalid form token</h1>", status_code=403)
        return HTMLResponse("<h1>404 找不到，或不在您的管辖范围 / not found</h1>", status_code=404)

    @app.middleware("http")
    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = CSP
        return response

    def login_page(request: Request, error: str = "", status_code: int = 200) -> Response:
        """The login form carries a token that must match a cookie set with it (double submit): before
        there is a session, this is what keeps another site from posting a login in the user's name."""
        token = secrets.token_urlsafe(32)
        response = page(request, "login.html", None, status_code=status_code, error=error, login_csrf=token)
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, secure=True, samesite="strict", max_age=3600)
        return response

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> Response:
        return login_page(request)

    @app.post("/login")
    def login(request: Request, name: str = Form(...), password: str = Form(...), csrf: str = Form("")) -> Response:
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not secrets.compare_digest(csrf, expected):
            raise Refused("csrf", "login", name or "-")
        cat = Catalog(home.catalog_path)
        try:
            token, _ = users.login(cat, name, password, remote(request))
        except users.LoginRefused as exc:
            return login_page(request, str(exc), 401)
        finally:
            cat.close()
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(LOGIN_COOKIE)
        response.set_cookie(COOKIE, token, httponly=True, secure=True, samesite="strict",
                            max_age=users.SESSION_HOURS * 3600)
        return response

    @app.post("/logout")
    def logout(request: Request, v: Writer) -> Response:
        with v.cat.transaction():
            v.cat.delete_session(users.token_hash(request.cookies.get(COOKIE, "")))
        v.audit("logout")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    for module in (households, quarantine, upload, reports, account, reviews):
        app.include_router(module.router)
    return app


def _start_watcher(home: Home):  # type: ignore[no-untyped-def]
    """The inbox watcher on its own catalog connection, in a daemon thread that stops with the app."""
    from archiver.documents import handle
    from archiver.watch import Watcher

    w = Watcher(home, Catalog(home.catalog_path), home.inbox, document_handler=handle, settle=1.0)
    threading.Thread(target=w.run, name="dibao-watch", daemon=True).start()
    return w
