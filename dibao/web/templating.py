"""The page templates (Jinja2, autoescaped) and the one helper that renders them for a user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from archiver.privacy import mask_id, scrub

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["mask_id"] = mask_id
TEMPLATES.env.filters["scrub"] = scrub  # free text from files and sheets may hold an ID number


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def page(request: Request, name: str, user: dict | None, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """`watch` (the inbox watcher's state, when serve runs one) goes to every logged-in page, so that a
    stopped or held-up watcher is seen at once rather than discovered weeks later."""
    supervisor = getattr(request.app.state, "watcher", None) if user else None
    watch = supervisor.state() if supervisor is not None else None
    return TEMPLATES.TemplateResponse(request, name, {"user": user, "watch": watch, **ctx}, status_code=status_code)
