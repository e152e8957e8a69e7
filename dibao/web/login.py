"""Logging in and out. The login form carries a token that must match a cookie set with it (double submit):
before there is a session, this is what keeps another site from posting a login in the user's name."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archiver.catalog import Catalog

from .. import users
from .session import COOKIE, Refused, Writer, home_of, remote
from .templating import page

router = APIRouter()
LOGIN_COOKIE = "dibao_login"


def login_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", None, status_code=status_code, error=error, login_csrf=token)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, secure=True, samesite="strict", max_age=3600)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return login_page(request)


@router.post("/login")
def login(request: Request, name: str = Form(...), password: str = Form(...), csrf: str = Form("")) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf, expected):
        # filed under the account it tried, if there is one; a typed name is never the entry's user
        known = Catalog.of(home_of(request))
        try:
            who = name if known.user(name) is not None else "-"
        finally:
            known.close()
        raise Refused("csrf", f"login {users.typed_name(name)}", who)
    cat = Catalog.of(home_of(request))
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


@router.post("/logout")
def logout(request: Request, v: Writer) -> Response:
    with v.cat.transaction():
        v.cat.delete_session(users.token_hash(request.cookies.get(COOKIE, "")))
    v.audit("logout")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
