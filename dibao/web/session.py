"""Who is asking, and what they may see: the one gate every route goes through.

A route asks for a `Reader` (logged in) or a `Writer` (logged in and carrying the session's CSRF token);
anything else raises `Refused`, which the app turns into a redirect/401/403/404 and an audit entry. Area
scoping (属地管理) lives here as `Viewer.household()` / `Viewer.document()` (scoped catalog queries) and
`Viewer.scope` (for lists), so a route cannot forget it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from archiver.catalog import Catalog, Scope, areas
from archiver.catalog.models import Household
from archiver.home import Home
from archiver.index_hook import follow
from archiver.privacy import scrub

from .. import users

COOKIE = "dibao_session"
CSRF_HEADER = "X-CSRF-Token"


class Refused(Exception):
    """A request we will not answer. `why`: login (no session), csrf (no/wrong token), scope (not theirs
    or does not exist — the two look the same from outside, so ids cannot be probed)."""

    def __init__(self, why: str, target: str, user: str = "-") -> None:
        super().__init__(f"{why}: {target}")
        self.why, self.target, self.user = why, target, user


def home_of(request: Request) -> Home:
    home: Home = request.app.state.home
    return home


def remote(request: Request) -> str:
    return request.client.host if request.client else ""


def catalog(request: Request) -> Iterator[Catalog]:
    """One catalog connection per request, closed when the response is done; the search index follows
    its commits (archiver/index_hook.py)."""
    cat = follow(home_of(request), Catalog.of(home_of(request)))
    try:
        yield cat
    finally:
        cat.close()


@dataclass
class Viewer:
    user: dict
    cat: Catalog
    home: Home
    remote: str

    @property
    def name(self) -> str:
        return str(self.user["name"])

    @property
    def role(self) -> str:
        return str(self.user["role"])

    @property
    def area(self) -> str:
        return str(self.user["area"] or "")

    @property
    def scope(self) -> Scope:
        return users.scope_of(self.user, self.cat)

    @property
    def scope_name(self) -> str | None:
        """The area as the generators take it (a township or a `乡镇/村` path; None = the whole county)."""
        if self.role == "county":
            return None
        return areas.label(self.scope) if not self.scope.nothing else self.area or None

    def household(self, key: str) -> Household:
        """The household a key names, if it is in the user's area — scoped in the catalog query itself."""
        hid = self.cat.resolve_key(key)
        if hid is None:  # a mistyped number: plainly not found (not a security denial)
            raise Refused("missing", f"household {scrub(key)}", self.name)
        h = self.cat.household(hid, self.scope)
        if h is None:
            raise Refused("scope", f"household {scrub(key)}", self.name)
        return h

    def document(self, doc_id: int) -> tuple[dict, Household]:
        d = self.cat.document_row(doc_id, self.scope)
        h = self.cat.household(int(d["household_id"]), self.scope) if d is not None else None
        if d is None or h is None:
            raise Refused("scope", f"document {doc_id}", self.name)
        return dict(d), h

    def areas(self) -> list[str]:
        """The areas this user may report on, villages by their whole path (乡镇/村): their own area and,
        for a township, its villages; the county every township and village."""
        if self.role == "county":
            return areas.choices(self.cat)
        if self.role == "township":
            return [self.area, *areas.choices(self.cat, self.area)[1:]]
        return [] if self.scope.nothing else [areas.label(self.scope)]

    def area_named(self, given: str) -> str | None:
        """`given` (a township, `乡镇/村`, or a village name only one township has) as its whole path, when
        it is an area this user may see; None otherwise."""
        try:
            label = areas.label(areas.resolve(self.cat, given))
        except areas.AreaProblem:
            return None
        return label if label in self.areas() else None

    def villages(self) -> list[str]:
        return [a for a in self.areas() if areas.SEP in a]

    def audit(self, action: str, target: str = "", detail: str = "") -> None:
        with self.cat.transaction():
            self.cat.audit(self.name, action, scrub(target), scrub(detail), self.remote)


def viewer(request: Request, cat: Annotated[Catalog, Depends(catalog)]) -> Viewer:
    token = request.cookies.get(COOKIE)
    s = cat.session(users.token_hash(token)) if token else None
    u = cat.user_by_id(int(s["user_id"])) if s is not None else None
    if s is None or u is None:
        raise Refused("login", request.url.path)
    return Viewer({**dict(u), "csrf": s["csrf"]}, cat, home_of(request), remote(request))


async def writer(request: Request, v: Reader) -> Viewer:
    """A Viewer whose request carries the CSRF token of their session (form field or htmx header)."""
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(("multipart/", "application/x-www-form")):
        sent = str((await request.form()).get("csrf", ""))
    if not sent or not secrets.compare_digest(sent, str(v.user["csrf"])):
        raise Refused("csrf", request.url.path, v.name)
    return v


Reader = Annotated[Viewer, Depends(viewer)]
Writer = Annotated[Viewer, Depends(writer)]
