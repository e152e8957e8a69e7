"""Keep each household's stored status, persons and amount in step with its dated facts."""

from __future__ import annotations

from collections.abc import Iterable

from archiver.catalog import Catalog
from archiver.catalog.models import (
    STATUS_ACTIVE,
    STATUS_STOPPED,
    STATUS_UNKNOWN,
    STOP_KINDS,
    Household,
    today,
)


def current_status(h: Household, day: str | None = None) -> str:
    day = day or today()
    if h.in_care_on(day):
        return STATUS_ACTIVE
    if any(e.kind in STOP_KINDS and e.date <= day for e in h.events):
        return STATUS_STOPPED
    if h.approved_on and h.approved_on > day or any(e.date > day for e in h.events):
        return "申请中"
    if h.status == "申请中" and not h.events and not h.snapshots and not h.approved_on:
        return "申请中"  # registered as a first-time applicant (archiver/applicants.py), not yet decided
    return STATUS_UNKNOWN


def refresh(catalog: Catalog, household_ids: Iterable[int]) -> None:
    """Recompute status, persons and amount as of today (inside the caller's transaction)."""
    day = today()
    for hid in household_ids:
        h = catalog.household(hid)
        if h is None:
            continue
        persons, amount = h.figures_on(day)
        if persons is None:
            persons = len(h.members_on(day)) or None
        catalog.set_status(hid, current_status(h, day), persons, amount)
