"""What ingest says about each input, and the small context a document handler files through.

Its own module so that the pipeline (which runs the steps) and the document steps (archiver/documents.py)
both depend on it instead of on each other.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from archiver.sniff import Sniffed

if TYPE_CHECKING:
    from archiver.catalog import Catalog
    from archiver.home import Home
    from archiver.ocr_pool import PageReader
    from archiver.route import Router

ARCHIVED, UPDATED, DUPLICATE, QUARANTINED = "archived", "updated", "duplicate", "quarantined"
SKIPPED = "skipped"  # refused with a message and left where it is: not a regular file, a link, unreadable
HELD = "held"  # a spreadsheet whose reading is uncertain: kept, imported once a person confirms its mapping


class HomeUnwritable(Exception):
    """The archive cannot be written now (disk full, read-only): stop the batch, try again later."""


@dataclass
class Outcome:
    source_name: str
    outcome: str
    kind: str = ""
    reason: str = ""
    file_id: int | None = None
    detail: dict = field(default_factory=dict)


@dataclass
class BatchReport:
    batch_id: int
    outcomes: list[Outcome] = field(default_factory=list)
    row_errors: list[dict] = field(default_factory=list)
    refiled: list[tuple[str, str]] = field(default_factory=list)  # quarantined earlier, filed now
    stopped: str = ""  # why the batch stopped early (the home cannot be written); the rest is left in place
    not_done: list[str] = field(default_factory=list)  # the files that were not processed because of that
    ignored: list[tuple[str, str]] = field(default_factory=list)  # lock/temp/desktop.ini files: (name, why)

    def counts(self) -> dict[str, int]:
        c = Counter(o.outcome for o in self.outcomes)
        return {k: c.get(k, 0) for k in (ARCHIVED, UPDATED, DUPLICATE, QUARANTINED, SKIPPED, HELD)}


@dataclass
class Input:
    path: Path
    name: str  # as shown to people: path relative to what was ingested
    sha256: str = ""
    sniffed: Sniffed | None = None
    parsed: list | None = None
    sheet_date: str | None = None
    route_name: str = ""  # the name as routing reads it (may hold a full ID number: never shown or stored)
    problem: str = ""  # not to be opened (FIFO, link out of the folder) or unreadable: why
    retry: bool = False  # the problem may pass (a locked or vanishing file): try again later

    @property
    def stored_name(self) -> str:
        """The original name, as the catalog keeps it (`household show --json` gives the original file name;
        an ID number in it is masked wherever it is shown: pages, listings, logs, the audit)."""
        return self.route_name or self.name


class FilingContext(Protocol):
    """What a document handler may use of the running ingest (the Ingestor provides it)."""

    home: Home
    catalog: Catalog
    router: Router | None
    reader: PageReader

    def quarantine(self, item: Input, reason: str, candidates: list[str] | None = None, kind: str | None = None,
                   text: str | None = None) -> Outcome: ...

    def file_row(self, item: Input, kind: str, outcome: str, reason: str, stored: str | None,
                 sheet_date: str | None = None) -> int: ...
