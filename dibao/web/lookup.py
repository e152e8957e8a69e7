"""Names, not numbers: every box that asks for a household takes a name, a 户编号 or an ID number (issue 25).
A name is taken when exactly one household of the user's area has a member of that name; otherwise the
page says what was not found, or which households share the name, and keeps the form. The boxes offer
households as staff type (within the user's area)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape

from archiver.catalog.models import Household, provisional_key
from archiver.errors import UserValueError
from archiver.privacy import scrub

from .session import Reader, Viewer

router = APIRouter()


class NotFound(UserValueError):
    """A household box whose text names no household of the user's area (or several)."""


def find_household(v: Viewer, typed: str) -> Household:
    text = typed.strip()
    if not text:
        raise NotFound("请填写户主或成员姓名、户编号或身份证号")
    hid = v.cat.resolve_key(text)
    if hid is not None:
        h = v.cat.household(hid, v.scope)
        if h is not None:
            return h
        # another area's household reads exactly as one that does not exist (numbers cannot be probed);
        # only the audit log tells the two apart
        with v.cat.transaction():
            v.cat.audit(v.name, "denied", f"household {scrub(text)}", "scope household box", v.remote)
        raise NotFound(f"您的辖区内没有找到“{scrub(text)}”：请检查姓名、户编号或身份证号是否输错")
    where, args = v.scope.sql("h")
    rows = v.cat.households_with_member_name(text, where, args, limit=6)
    if len(rows) == 1:
        h = v.cat.household(int(rows[0]["id"]), v.scope)
        if h is not None:
            return h
    if rows:
        listed = "、".join(f"{r['head_name']}户 {r['household_no'] or provisional_key(int(r['id']))}（{r['village']}）"
                          for r in rows[:5])
        raise NotFound(f"辖区内有几户都有叫“{text}”的人：{listed}，请改填户编号或身份证号")
    raise NotFound(f"您的辖区内没有找到“{scrub(text)}”：请检查姓名、户编号或身份证号是否输错")


@router.get("/suggest/households", response_class=HTMLResponse)
def suggest(v: Reader, q: str = "", key: str = "", household: str = "") -> Response:
    """`<option>`s for a household box's datalist: names and numbers as typed, in the user's area only (the
    box sends itself: `key` or `household`, whatever its form calls it)."""
    text = (q or key or household).strip()
    if len(text) < 1 or len(text) > 30:
        return HTMLResponse("")
    where, args = v.scope.sql("h")
    rows = v.cat.suggest_households(text, where, args)
    v.audit("search", text, f"户名联想 {len(rows)} 户")
    return HTMLResponse("".join(
        f'<option value="{escape(r["household_no"] or provisional_key(int(r["id"])))}">'
        f'{escape(r["member"])}（{escape(r["head_name"])}户，{escape(r["village"] or "")}）</option>' for r in rows))
