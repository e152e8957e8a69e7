"""Pages as JSON for the queue: the tasks speak JSON only (a pickle from Redis would run code in every
worker and ingest process that anyone able to write to Redis sent)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from archiver import qr
from archiver.pages import Page


def to_json(page: Page) -> dict[str, Any]:
    return asdict(page)


def from_json(data: dict[str, Any]) -> Page:
    codes = {k: qr.Code(**data[k]) if data.get(k) else None for k in ("form", "cover")}
    return Page(**{**data, **codes})
