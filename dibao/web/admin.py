"""The county's users page: add a user, disable or enable one (their open sessions end at once), reset a
password, change role or area. Roles are shown and accepted in Chinese (县/乡镇/村). County users only;
anyone else gets the same "not found" as for another area's household."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archiver.catalog import areas as catalog_areas
from archiver.corrections import history
from archiver.errors import UserError, UserValueError

from .. import useradmin, users
from .session import Reader, Refused, Viewer, Writer
from .templating import page

router = APIRouter()
DONE = {"added": "已新增用户。", "disabled": "已停用，该用户已登录的会话立即失效。", "enabled": "已重新启用。",
        "password": "密码已重置。", "set": "已修改角色或辖区，该用户需重新登录。"}


def _county(v: Viewer) -> None:
    if v.role != "county":
        raise Refused("scope", "users", v.name)


def _page(request: Request, v: Viewer, done: str = "", error: str = "", status_code: int = 200,
          typed: dict | None = None) -> Response:
    trail = history(v.cat, account="")[-50:][::-1]  # the latest first
    return page(request, "users.html", v.user, rows=useradmin.listing(v.cat), done=DONE.get(done, ""), error=error,
                roles=useradmin.ROLE_NAMES, areas=v.cat.area_names(), trail=trail, status_code=status_code,
                typed=typed or {})


def _known_area(v: Viewer, role: str, area: str) -> None:
    """On the web an area is chosen from those the catalog knows (a typo such as 城关区 for 城关镇 would give a
    user who sees an empty county): a township for a township user, 乡镇/村 for a village user."""
    if role == "county":
        return
    known = catalog_areas.choices(v.cat)
    fits = [a for a in known if (catalog_areas.SEP in a) == (role == "village")]
    if area.strip() not in fits:
        raise UserValueError(f"请从列表中选择{'村（社区）' if role == 'village' else '乡镇'}：{area or '未选择'}"
                             " / choose an area from the list")


@router.get("/users", response_class=HTMLResponse)
def listing(request: Request, v: Reader, done: str = "") -> Response:
    _county(v)
    v.audit("users.view")
    return _page(request, v, done)


@router.post("/users", response_class=HTMLResponse)
def add(request: Request, v: Writer, name: str = Form(""), role: str = Form(""), area: str = Form(""),
        password: str = Form("")) -> Response:
    _county(v)
    try:
        r = useradmin.normalise_role(role)
        _known_area(v, r, area)
        users.add(v.cat, name.strip(), password, r, area, v.name, v.remote)
    except (UserError, ValueError) as exc:
        return _page(request, v, error=str(exc).split(" / ")[0], status_code=400,
                     typed={"name": name, "role": role, "area": area})
    return RedirectResponse("/users?done=added", status_code=303)


def _user_action(request: Request, v: Viewer, name: str, action: str, **kw: str) -> Response:
    _county(v)
    if v.cat.user(name) is None:
        raise Refused("scope", f"user {name}", v.name)
    try:
        if action in ("disabled", "enabled"):
            if action == "disabled" and name == v.name:
                raise UserValueError("不能停用自己的账户 / you cannot disable yourself")
            useradmin.set_disabled(v.cat, name, action == "disabled", v.name, v.remote)
        elif action == "password":
            users.set_password(v.cat, name, kw["password"], v.name, v.remote)
        else:
            if kw.get("role"):
                _known_area(v, useradmin.normalise_role(kw["role"]), kw.get("area", ""))
            useradmin.update(v.cat, name, v.name, kw.get("role") or None, kw.get("area"), v.remote)
    except (UserError, ValueError) as exc:
        return _page(request, v, error=str(exc).split(" / ")[0], status_code=400)
    return RedirectResponse(f"/users?done={action}", status_code=303)


@router.post("/users/{name}/disable", response_class=HTMLResponse)
def disable(request: Request, v: Writer, name: str) -> Response:
    return _user_action(request, v, name, "disabled")


@router.post("/users/{name}/enable", response_class=HTMLResponse)
def enable(request: Request, v: Writer, name: str) -> Response:
    return _user_action(request, v, name, "enabled")


@router.post("/users/{name}/password", response_class=HTMLResponse)
def password(request: Request, v: Writer, name: str, new: str = Form("")) -> Response:
    return _user_action(request, v, name, "password", password=new)


@router.post("/users/{name}/set", response_class=HTMLResponse)
def change(request: Request, v: Writer, name: str, role: str = Form(""), area: str = Form("")) -> Response:
    return _user_action(request, v, name, "set", role=role, area=area)
