"""The user's own account (change password) and, for the county, a read-only view of the audit log.

There is deliberately no route that edits or deletes audit entries; resetting another user's password
stays on the command line (`dibao user passwd`), where the administrator of the machine is.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from .. import users
from .session import COOKIE, Reader, Writer
from .templating import page

router = APIRouter()


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, v: Reader) -> Response:
    return page(request, "account.html", v.user, message="", error="")


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, v: Writer, current: str = Form(...), new: str = Form(...),
                    again: str = Form(...)) -> Response:
    if new != again:
        return page(request, "account.html", v.user, status_code=400, message="", error="两次输入的新密码不一致")
    try:
        users.change_password(v.cat, v.name, current, new, v.remote,
                              keep_session=users.token_hash(request.cookies.get(COOKIE, "")))
    except users.LoginRefused as exc:
        return page(request, "account.html", v.user, status_code=400, message="", error=str(exc))
    return page(request, "account.html", v.user, message="密码已修改。", error="")
