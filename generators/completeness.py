"""一户一档 completeness: which required document types a household's file lacks, by policy.

A requirement written "身份证|户口簿" is met by either type.
"""

from __future__ import annotations

from archiver.catalog.models import Household
from archiver.policy import Policy


def missing(h: Household, policy: Policy, status: str = "在保") -> list[str]:
    held = {d.type for d in h.documents}
    out = []
    for need in policy.required_documents.get(status, []):
        options = need.split("|")
        if not held & set(options):
            out.append(need.replace("|", "或"))
    return out


def incomplete(households: list[Household], policy: Policy) -> list[tuple[Household, list[str]]]:
    return [(h, m) for h in households if (m := missing(h, policy))]
