"""Every error the web answers, in one place (in the style of datasette's single handler): the class of the
error decides the status and the page, and nothing else in the app writes an error page.

- Refused (session.py): no login → the login page (401 for the API, htmx and forms); a stale form → 403;
  not theirs or not there → one 404 for both, so ids cannot be probed. Each is written to the audit log.
- UserError: the user's mistake or unusable input → 400 with their message (JSON under /api/).
- RequestValidationError: a form or query missing a field → 400 naming the fields.
- HTTPException: starlette's own 404, 405 … → the same pages in Chinese.
- anything else is a bug → 500, the traceback to the log and no details on the page.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from archiver.catalog import Catalog
from archiver.errors import UserError
from archiver.privacy import plain, scrub

from .. import users
from .session import COOKIE, Refused, home_of, remote
from .templating import is_htmx, page

log = logging.getLogger("dibao.web")

# the fixed pages: (status, title, message) by what went wrong
PAGES: dict[str | int, tuple[int, str, str]] = {
    "csrf": (403, "请求无效", "页面已过期或表单不完整，请返回后刷新页面再试。"),
    # one answer for "does not exist" and "not yours": ids cannot be probed (only the audit tells them apart)
    "scope": (404, "找不到", "没有找到您要的户、材料或页面，请检查户编号或身份证号是否输错。"),
    404: (404, "找不到", "没有这个页面。请从首页重新进入。"),
    405: (405, "操作方式不对", "请从页面上的按钮进行操作。"),
    "bug": (500, "系统内部错误", "已记入日志。请返回首页后重试；如反复出现，请联系管理员。"),
}


def install(app: FastAPI) -> None:
    """One handler for every error class the app answers (Exception last: starlette calls it for the rest)."""
    for cls in (Refused, UserError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(cls, handle)


def handle(request: Request, exc: Exception) -> Response:
    if isinstance(exc, Refused):
        return _refused(request, exc)
    if isinstance(exc, UserError):  # the user's mistake (a bad value, an unusable file): their message
        text = plain(str(exc))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": text}, status_code=400)
        return error_page(request, 400, "未能完成", text)
    if isinstance(exc, RequestValidationError):
        fields = "、".join(sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors()}))
        if request.url.path.startswith("/api/") or "json" in request.headers.get("accept", ""):
            return JSONResponse({"error": f"请求内容不完整或格式不对：{fields}"}, status_code=400)
        return error_page(request, 400, "填写有误", f"请检查填写的内容（{fields}）后重试。")
    if isinstance(exc, StarletteHTTPException):
        return error_page(request, *PAGES.get(exc.status_code, (exc.status_code, "请求未能完成", "请返回后重试。")))
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, *PAGES["bug"])


def _refused(request: Request, exc: Refused) -> Response:
    """Audited first (committed whatever the answer), then answered by why it was refused."""
    cat = Catalog.of(home_of(request))
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
    return error_page(request, *PAGES["csrf" if exc.why == "csrf" else "scope"])


def error_page(request: Request, code: int, title: str, message: str) -> Response:
    """Staff read errors in Chinese, with a way back; the user bar stays when there is a session."""
    user = None
    token = request.cookies.get(COOKIE)
    if token:
        cat = Catalog.of(home_of(request))
        try:
            s = cat.session(users.token_hash(token))
            u = cat.user_by_id(int(s["user_id"])) if s is not None else None
            user = {**dict(u), "csrf": s["csrf"]} if u is not None and s is not None else None
        finally:
            cat.close()
    if is_htmx(request):
        return HTMLResponse(f'<p class="error">{code} {title}：{message}</p>', status_code=code)
    return page(request, "error.html", user, status_code=code, code=code, title=f"{code} {title}", message=message)
