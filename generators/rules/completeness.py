"""一户一档 completeness: which required document types a household's file lacks, by policy.

A requirement written "身份证|户口簿" is met by either type.
"""

from __future__ import annotations

from collections.abc import Sequence

from archiver.catalog.models import Document, Household
from archiver.policy import Policy


def checklist(documents: Sequence[Document], policy: Policy, status: str = "在保") -> list[tuple[str, list[Document]]]:
    """Each required kind (labelled "身份证或户口簿") with the documents that meet it, option by option in
    the order given — the one reading of the policy for the web page, the dossier and `missing`."""
    by_type: dict[str, list[Document]] = {}
    for d in documents:
        by_type.setdefault(d.type, []).append(d)
    return [(need.replace("|", "或"), [d for t in need.split("|") for d in by_type.get(t, ())] if by_type else [])
            for need in policy.required_documents.get(status, [])]


def status_for(h: Household, policy: Policy) -> str:
    """Whose list applies to a household: its own status's when policy.toml has one, else 在保's."""
    return h.status if h.status and policy.required_documents.get(h.status) else "在保"


def for_household(h: Household, policy: Policy, documents: Sequence[Document] | None = None,
                  ) -> list[tuple[str, list[Document]]]:
    """The checklist that applies to this household (web page, dossier, inspections alike)."""
    return checklist(h.documents if documents is None else documents, policy, status_for(h, policy))


def missing(h: Household, policy: Policy, status: str | None = None) -> list[str]:
    docs = checklist(h.documents, policy, status) if status else for_household(h, policy)
    return [label for label, got in docs if not got]


def incomplete(households: list[Household], policy: Policy) -> list[tuple[Household, list[str]]]:
    return [(h, m) for h in households if (m := missing(h, policy))]
