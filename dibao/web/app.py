"""`dibao serve`: the web front door (FastAPI + Jinja2 + htmx, every asset served from the package).

Every page needs a login; each user sees only their area (属地管理). Both are enforced by the
dependencies in session.py, which every route takes; a refused request is answered here, in one
place, and written to the audit log. Optionally the app runs the inbox watcher in a thread, so that
one `dibao serve` is all a township office has to start.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from archiver.catalog import Catalog
from archiver.errors import UserError
from archiver.home import Home
from archiver.ocr_pool import OcrConfig
from archiver.privacy import plain, scrub

from .. import users
from . import (
    account,
    admin,
    applicants,
    auditview,
    browse,
    casesteps,
    corrections,
    edge,
    households,
    imports,
    jobs,
    lookup,
    objections,
    photo,
    quarantine,
    reports,
    reviews,
    settings,
    upload,
    warmup,
)
from .session import COOKIE, Refused, Writer, remote
from .templating import is_htmx, page

STATIC = Path(__file__).parent / "static"
LOGIN_COOKIE = "dibao_login"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


log = logging.getLogger("dibao.web")


def create_app(home: Home, watch: bool = False, tls: bool = False, ocr: OcrConfig | None = None) -> FastAPI:
    home.require()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for left in home.tmp.glob("web-*"):  # reports a killed server did not get to remove: personal data
            shutil.rmtree(left, ignore_errors=True)
        jobs.recover(home)  # 我的任务: what the last server was running is marked interrupted
        warmup.start(home)  # the first search answers like the rest (the server listens once search is warm)
        warmup.build_routes(app)
        await warmup.first_request(app)
        app.state.watcher = _start_watcher(home, ocr) if watch else None
        try:
            yield
        finally:
            if app.state.watcher is not None:
                app.state.watcher.stop()

    app = FastAPI(title="低保档案", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.home = home
    app.state.watcher = None
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(UserError)
    def user_error(request: Request, exc: UserError) -> Response:
        """The user's mistake (a bad value, an unusable file): their message, never a stack trace."""
        text = plain(str(exc))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": text}, status_code=400)
        return error_page(request, 400, "未能完成", text)

    @app.exception_handler(Refused)
    def refused(request: Request, exc: Refused) -> Response:
        cat = Catalog(home.catalog_path)
        try:
            with cat.transaction():
                cat.audit(exc.user, "not_found" if exc.why == "missing" else "denied", scrub(exc.target),
                          scrub(f"{exc.why} {request.method} {request.url.path}"), remote(request))
        finally:
            cat.close()
        if exc.why == "login":
            if request.url.path.startswith("/api/") or request.method != "GET":
                return JSONResponse({"error": "需要登录 / login required"}, status_code=401)
            if is_htmx(request):
                return Response(status_code=401, headers={"HX-Redirect": "/login"})
            return RedirectResponse("/login", status_code=303)
        if exc.why == "csrf":
            return error_page(request, 403, "请求无效", "页面已过期或表单不完整，请返回后刷新页面再试。")
        # one answer for "does not exist" and "not yours": ids cannot be probed (only the audit tells them apart)
        return error_page(request, 404, "找不到", "没有找到您要的户、材料或页面，请检查户编号或身份证号是否输错。")

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_page(request, 404, "找不到", "没有这个页面。请从首页重新进入。")
        if exc.status_code == 405:
            return error_page(request, 405, "操作方式不对", "请从页面上的按钮进行操作。")
        return error_page(request, exc.status_code, "请求未能完成", "请返回后重试。")

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = "、".join(sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors()}))
        if request.url.path.startswith("/api/") or "json" in request.headers.get("accept", ""):
            return JSONResponse({"error": f"请求内容不完整或格式不对：{fields}"}, status_code=400)
        return error_page(request, 400, "填写有误", f"请检查填写的内容（{fields}）后重试。")

    @app.exception_handler(Exception)
    def bug(request: Request, exc: Exception) -> Response:
        """Anything else is a bug: the traceback goes to the log, the page says so without details."""
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_page(request, 500, "系统内部错误", "已记入日志。请返回首页后重试；如反复出现，请联系管理员。")

    def error_page(request: Request, code: int, title: str, message: str) -> Response:
        """Staff read errors in Chinese, with a way back; the user bar stays when there is a session."""
        user = None
        token = request.cookies.get(COOKIE)
        if token:
            cat = Catalog(home.catalog_path)
            try:
                s = cat.session(users.token_hash(token))
                u = cat.user_by_id(int(s["user_id"])) if s is not None else None
                user = {**dict(u), "csrf": s["csrf"]} if u is not None and s is not None else None
            finally:
                cat.close()
        if is_htmx(request):
            return HTMLResponse(f'<p class="error">{code} {title}：{message}</p>', status_code=code)
        return page(request, "error.html", user, status_code=code, code=code, title=f"{code} {title}", message=message)

    @app.middleware("http")
    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        too_big = _body_refused(request)
        response = too_big or await call_next(request)
        if request.url.scheme == "https" and tls:  # browsers then never try this server over plain HTTP
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
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
            # filed under the account it tried, if there is one; a typed name is never the entry's user
            known = Catalog(home.catalog_path)
            try:
                who = name if known.user(name) is not None else "-"
            finally:
                known.close()
            raise Refused("csrf", f"login {users.typed_name(name)}", who)
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

    for module in (households, browse, corrections, admin, quarantine, upload, reports, jobs, account, reviews,
                   applicants, imports, objections, edge, settings, lookup, auditview, photo, casesteps):
        app.include_router(module.router)
    return app


MAX_FORM_BYTES = 1 << 20  # every form but the upload is a few fields


def _body_refused(request: Request) -> Response | None:
    """Bound every request body before any of it is read or spooled to disk: by its declared length
    (the server holds a client to it), and a body of unknown length is not taken at all."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    big = request.url.path == "/upload" or (request.url.path.startswith("/households/") and request.url.path.endswith("/photo"))
    limit = upload.MAX_REQUEST_BYTES if big else MAX_FORM_BYTES
    declared = request.headers.get("content-length")
    if declared is None:
        if request.headers.get("transfer-encoding"):
            return JSONResponse({"error": "请求缺少长度，请重新上传 / length required"}, status_code=411)
        return None
    if not declared.isdigit() or int(declared) > limit:
        return JSONResponse({"error": f"上传内容超过 {limit // 1024 // 1024} MB 上限，未接收 / request too large"},
                            status_code=413)
    return None


def _start_watcher(home: Home, ocr: OcrConfig | None = None):  # type: ignore[no-untyped-def]
    """The inbox watcher on its own catalog connection, in a supervised daemon thread (restarted if it
    ever dies) that stops with the app."""
    from archiver.documents import handle
    from archiver.watch import Supervisor, Watcher

    def make() -> Watcher:
        w = Watcher(home, Catalog(home.catalog_path), home.inbox, document_handler=handle, settle=1.0)
        if ocr is not None:
            w.ingestor.reader = ocr.reader()
        return w

    return Supervisor(make).start()
