"""`dibao serve`: the web front door (FastAPI + Jinja2 + htmx, every asset served from the package).

Every page needs a login; each user sees only their area (属地管理). Both are enforced by the
dependencies in session.py, which every route takes; every error, a refused request included, is answered
in one place, errors.py, and a refusal is written to the audit log. Logging in and out is login.py.
Optionally the app runs the inbox watcher in a thread, so that one `dibao serve` is all a township office
has to start.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from archiver.catalog import Catalog
from archiver.home import Home
from archiver.ocr_pool import Readers

from . import (
    account,
    admin,
    applicants,
    auditview,
    browse,
    casesteps,
    corrections,
    edge,
    errors,
    households,
    imports,
    jobs,
    login,
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

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def create_app(home: Home, watch: bool = False, tls: bool = False, ocr: Readers | None = None) -> FastAPI:
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
        from archiver.index.follower import Follower

        follower = Follower(home).start()  # what other servers file reaches this one's index within seconds
        try:
            yield
        finally:
            follower.stop()
            if app.state.watcher is not None:
                app.state.watcher.stop()

    app = FastAPI(title="低保档案", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.home = home
    app.state.watcher = None
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    errors.install(app)

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

    for module in (login, households, browse, corrections, admin, quarantine, upload, reports, jobs, account, reviews,
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


def _start_watcher(home: Home, ocr: Readers | None = None):  # type: ignore[no-untyped-def]
    """The inbox watcher on its own catalog connection, in a supervised daemon thread (restarted if it
    ever dies) that stops with the app."""
    from archiver.index_hook import follow
    from archiver.watch import Supervisor, Watcher

    def make() -> Watcher:
        w = Watcher(home, follow(home, Catalog.of(home)), home.inbox, settle=1.0)
        if ocr is not None:
            w.ingestor.reader = ocr.reader()
        return w

    return Supervisor(make).start()
