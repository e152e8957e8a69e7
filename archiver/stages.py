"""The stages of ingest, in order: sniff, unzip, sheet, document, retry-quarantined.

Every stage is asked in each phase of a batch (archiver/pipeline.py runs them):
- `read(ctx, item)`: the checking phase, before anything is filed — sniff names the bytes, unzip unpacks a zip
  (its members are returned and checked in turn), sheet parses a spreadsheet;
- `begin(ctx, queue)`: once, before filing — documents' pages are read ahead (in parallel);
- `accepts(item)` / `run(ctx, item) -> Outcome`: filing — the first stage that accepts an item files it,
  each in its own transaction;
- `finish(ctx, report)`: once, at the end of the batch — zips' temporary members go, and quarantined scans
  are retried when new people came in (retry-quarantined runs here, never for an item).
A new kind of input is a new stage in `default()`; the pipeline itself does not change.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from archiver import archives, documents, rosters, sheet_record, status
from archiver.filenames import shown
from archiver.filing import STORAGE_ERRNOS, sha256_of, store_source
from archiver.inputs import LOCK_FILE_REASON, is_lock_file
from archiver.outcomes import ARCHIVED, HELD, BatchReport, HomeUnwritable, Input, Outcome
from archiver.privacy import scrub
from archiver.sniff import SPREADSHEET, Sniffed, sniff

if TYPE_CHECKING:
    from archiver.pipeline import Ingestor

log = logging.getLogger("dibao.ingest")
SUFFIX = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx",
          "xls": ".xls", "csv": ".csv"}


class Stage:
    """One step of ingest; every hook but `accepts`/`run` may be left as it is."""

    name = ""

    def read(self, ctx: Ingestor, item: Input) -> list[Input]:
        """Look at an item before anything is filed; returns the inputs found inside it."""
        return []

    def begin(self, ctx: Ingestor, queue: list[Input]) -> None:
        """Once, when every item has been read, before the first is filed (in this order)."""

    def first(self, items: list[Input]) -> list[Input]:
        """The items this stage files before all others, in their order."""
        return []

    def accepts(self, item: Input) -> bool:
        return False

    def run(self, ctx: Ingestor, item: Input) -> Outcome:
        raise NotImplementedError(self.name)

    def finish(self, ctx: Ingestor, report: BatchReport) -> None:
        """Once, at the end of the batch, also when it stopped early (`report.stopped`)."""


class Sniff(Stage):
    """What the bytes are (not what the name says); a file that is no input at all is quarantined with why."""

    name = "sniff"

    def read(self, ctx: Ingestor, item: Input) -> list[Input]:
        item.sha256 = sha256_of(item.path)
        item.sniffed = sniff(item.path)
        return []

    def accepts(self, item: Input) -> bool:
        return is_lock_file(Path(item.name).name) or item.sniffed is None or not item.sniffed.ok

    def run(self, ctx: Ingestor, item: Input) -> Outcome:
        return ctx.quarantine(item, LOCK_FILE_REASON if is_lock_file(Path(item.name).name) else
                              item.sniffed.reason if item.sniffed else "")


class Unzip(Stage):
    """A zip's members are inputs of their own; the zip is kept as the source they came in."""

    name = "unzip"

    def __init__(self) -> None:
        self.budget = archives.Budget()  # what this batch's zips may unpack, nested ones included
        self.zips: list[str] = []

    def read(self, ctx: Ingestor, item: Input) -> list[Input]:
        if item.sniffed is None or item.sniffed.kind != "zip":
            return []
        self.zips.append(item.sha256)
        try:
            ignored: list[tuple[str, str]] = []
            members = archives.unpack(item.path, item.route_name or item.name, item.sha256, ctx.home.tmp,
                                      self.budget, ignored)
            for name, why in ignored:
                ctx.report.ignored.append((scrub(shown(name)), why))
                log.info("ignored %s: %s", scrub(shown(name)), why)
            return [Input(p, scrub(shown(n)), route_name=shown(n)) for p, n in members]
        except archives.ZipRefused as exc:
            item.sniffed = Sniffed("", str(exc))
            return []
        except OSError as exc:
            if exc.errno not in STORAGE_ERRNOS:
                raise
            archives.cleanup(ctx.home.tmp, [item.sha256])
            raise HomeUnwritable("磁盘空间已满或不可写，无法解压压缩包；请清理空间后重试，文件留在原处 / "
                                 f"disk full while unpacking a zip: {exc.strerror}") from exc

    def accepts(self, item: Input) -> bool:
        return item.sniffed is not None and item.sniffed.kind == "zip"

    def run(self, ctx: Ingestor, item: Input) -> Outcome:
        stored = store_source(ctx.home.sources, item.sha256, ".zip", item.path)
        with ctx.catalog.transaction():
            file_id = ctx.file_row(item, "zip", ARCHIVED, "", ctx.home.relative(stored))
        return Outcome(item.name, ARCHIVED, "zip", "", file_id)

    def finish(self, ctx: Ingestor, report: BatchReport) -> None:
        archives.cleanup(ctx.home.tmp, self.zips)
        self.budget, self.zips = archives.Budget(), []


class Sheet(Stage):
    """Rosters, change lists and bank exports: parsed while checking, imported whole or held for a person."""

    name = "sheet"

    def read(self, ctx: Ingestor, item: Input) -> list[Input]:
        if item.sniffed is None or item.sniffed.kind not in SPREADSHEET:
            return []
        try:
            names, layouts = ctx.column_names_and_layouts()
            item.parsed = rosters.parse_file(item.path, item.sniffed.kind, item.name, names, layouts)
            item.sheet_date = item.parsed[0].sheet_date
        except (rosters.Unrecognised, rosters.SheetReadError, ValueError) as exc:
            item.sniffed = Sniffed("", str(exc))
        return []

    def first(self, items: list[Input]) -> list[Input]:
        """Oldest period first: later rosters then see earlier ones as history; a bank's export (accounts, no
        persons) last, when the accounts the rosters hold are on file."""
        return sorted((i for i in items if i.sniffed and i.sniffed.kind in SPREADSHEET),
                      key=lambda i: (rosters.placed_by_account(i.parsed or []), i.sheet_date or "9999", i.name))

    def accepts(self, item: Input) -> bool:
        return item.sniffed is not None and item.sniffed.kind in SPREADSHEET

    def run(self, ctx: Ingestor, item: Input) -> Outcome:
        assert item.sniffed is not None and item.parsed is not None
        cat = ctx.catalog
        stored = store_source(ctx.home.sources, item.sha256, SUFFIX[item.sniffed.kind], item.path)
        kind = item.parsed[0].parsed.kind
        review = sheet_record.of_input(item)
        if review["held"]:  # uncertain: kept whole until a person confirms the mapping, never half-imported
            with cat.transaction():
                file_id = ctx.file_row(item, kind, HELD, review["reason"], ctx.home.relative(stored), item.sheet_date)
                sheet_record.record(cat, item, file_id, review)
            log.info("held %s for confirmation: %s", scrub(item.name), scrub(review["reason"]))
            return Outcome(item.name, HELD, kind, review["reason"], file_id, sheet_record.detail(review))
        with cat.transaction():
            file_id = ctx.file_row(item, kind, ARCHIVED, "", ctx.home.relative(stored), item.sheet_date)
            sheet_record.record(cat, item, file_id, review)
            result = rosters.apply(cat, item.parsed, file_id)
            for e in result.errors:
                cat.add_row_error(batch_id=ctx.batch_id, file_id=file_id, source_name=item.name,
                                  sheet=e.sheet, row=e.row, col=e.column, reason=e.reason)
            status.refresh(cat, result.touched)
            cat.mark_dirty(result.touched)
        ctx.router = None  # new households and members: a watcher's next scan must see them
        log.info("imported %s as %s: %d rows, %d rejected", scrub(item.name), kind, result.rows, len(result.errors))
        return Outcome(item.name, ARCHIVED, kind, "", file_id, {
            "rows": result.rows, "rejected": len(result.errors), "households_created": result.households_created,
            "events": result.events_added, "payments": result.payments_added, "sheet_date": result.sheet_date,
            **rosters.report_detail(item.parsed, result), **sheet_record.detail(review)})


class Document(Stage):
    """Scans, photos, PDFs and Word files: read, routed page by page, filed (archiver/documents.py)."""

    name = "document"

    def begin(self, ctx: Ingestor, queue: list[Input]) -> None:
        ctx.reader.submit([(i.path, i.sniffed.kind) for i in queue
                           if not i.problem and i.sniffed and i.sniffed.ok and i.sniffed.kind not in SPREADSHEET
                           and ctx.catalog.file_by_sha(i.sha256) is None])

    def accepts(self, item: Input) -> bool:
        return item.sniffed is not None and item.sniffed.ok

    def run(self, ctx: Ingestor, item: Input) -> Outcome:
        return documents.handle(ctx, item)


class RetryQuarantined(Stage):
    """At the end of a batch that brought new people (a sheet's, or an applicant's made from their 申请书):
    quarantined scans that now route are filed."""

    name = "retry-quarantined"

    def finish(self, ctx: Ingestor, report: BatchReport) -> None:
        if report.stopped or not any(o.outcome == ARCHIVED and (o.kind in ("roster", "change", "disbursement")
                                                                or o.detail.get("applicants"))
                                     for o in report.outcomes):
            return
        report.refiled = documents.retry_quarantined(ctx.home, ctx.catalog)


def default() -> list[Stage]:
    """The stage list every ingest runs (a fresh one per Ingestor: unzip keeps its batch's budget)."""
    return [Sniff(), Unzip(), Sheet(), Document(), RetryQuarantined()]
