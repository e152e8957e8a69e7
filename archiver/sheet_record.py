"""What ingest keeps of a spreadsheet's mapping review (issue 23): the review of an input, the per-file detail
its report gives, and the review row filed with it.

Below both the sheet stage (archiver/stages.py) and the import review's workflow (archiver/sheet_review.py,
which runs ingest again on confirm), so neither calls back into the other.
"""

from __future__ import annotations

from archiver.catalog import Catalog
from archiver.outcomes import Input
from archiver.rosters import mapping
from archiver.rosters.sheets import ingested_folder


def of_input(item: Input) -> dict:
    assert item.parsed is not None
    return mapping.file_review([s.review for s in item.parsed])


def detail(review: dict) -> dict:
    """What an ingest report says per file about the mapping: the mapping, which rows were header, data, total
    and footer (`row_kinds`; an import's `rows` stays the count imported), held and the reason."""
    return {"mapping": review["mapping"], "row_kinds": review["rows"], "held": review["held"], "reason": review["reason"],
            "sheet_mappings": [{"sheet": s["sheet"], "mapping": s["mapping"], "rows": s["rows"], "held": s["held"],
                                "reasons": s["reasons"]} for s in review["sheets"]]}


def _areas(item: Input, review: dict) -> tuple[set[str], set[str]]:
    towns: set[str] = set()
    villages: set[str] = set()
    for s in item.parsed or []:
        for r in s.parsed.rows:
            towns.add(getattr(r, "township", "") or "")
            villages.add(getattr(r, "village", "") or "")
    ctx = review.get("context", {}).get("township", {})
    if ctx.get("value"):
        towns.add(ctx["value"])
    return towns - {""}, villages - {""}


def record(cat: Catalog, item: Input, file_id: int, review: dict) -> None:
    folders = ingested_folder(item.path, item.name)
    towns, villages = _areas(item, review)
    cat.record_sheet_import(file_id, item.stored_name, folders[0] if folders else "", review, review["held"],
                            review["reason"], towns, villages)
