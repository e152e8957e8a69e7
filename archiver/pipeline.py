"""Ingest: every input goes through the stage list, each file ending archived, duplicate, held or quarantined.

collect (archiver/inputs.py) → for each item, every stage reads it (sniff, unzip, sheet …) → the same bytes
already filed are a duplicate → otherwise the first stage that accepts it files it → the stages finish the
batch (retry-quarantined) → the after-commit hook brings the search index up. The stages are
archiver/stages.py. A file's outcome is committed in one transaction together with everything it changed;
a bad file is quarantined with its reason and the batch goes on.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from archiver import rosters, stages
from archiver.catalog import Catalog
from archiver.filenames import looks_like_a_copy, shown
from archiver.filing import StorageError, quarantine_copy
from archiver.home import Home
from archiver.inputs import (
    JUNK,
    LOCK_FILE_REASON,
    collect,
    ignored,
    ignored_reason,
    is_lock_file,
    not_to_open,
)
from archiver.ocr_pool import Inline, PageReader
from archiver.outcomes import (
    ARCHIVED,
    DUPLICATE,
    HELD,
    QUARANTINED,
    SKIPPED,
    BatchReport,
    HomeUnwritable,
    Input,
    Outcome,
)
from archiver.policy import load as load_policy
from archiver.privacy import plain, scrub
from archiver.route import Router
from archiver.stages import SUFFIX, Stage

__all__ = ["ARCHIVED", "DUPLICATE", "HELD", "JUNK", "LOCK_FILE_REASON", "QUARANTINED", "SKIPPED", "SUFFIX",
           "HomeUnwritable", "Ingestor", "Reporter", "Silent", "collect", "ignored", "ignored_reason", "is_lock_file"]

log = logging.getLogger("dibao.ingest")


class Reporter(Protocol):
    def start(self, total: int, label: str) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def note(self, message: str) -> None: ...


class Silent:
    def start(self, total: int, label: str) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        pass


def _storage_failure(exc: BaseException) -> str | None:
    """The clerk's message when `exc` means the home cannot be written, else None."""
    if isinstance(exc, StorageError):
        return str(exc)
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        if "full" in text:
            return "磁盘空间已满，无法写入档案目录数据库；请清理空间后重试，未写入的文件留在原处 / disk full (catalog)"
        if "readonly" in text or "read-only" in text:
            return "档案目录数据库不可写；请检查权限后重试，文件留在原处 / catalog is read-only"
    return None


class Ingestor:
    """One ingest run over a set of files, through the stage list (archiver/stages.py). Holds no state
    between runs beyond the catalog; it is also the context each stage files through (FilingContext)."""

    def __init__(self, home: Home, catalog: Catalog, reporter: Reporter | None = None,
                 remove_sources: bool = False, stage_list: list[Stage] | None = None) -> None:
        self.home, self.catalog = home, catalog
        self.reporter = reporter or Silent()
        self.remove_sources = remove_sources
        self.stages = stage_list if stage_list is not None else stages.default()
        self.batch_id = 0
        self.report = BatchReport(0)  # the batch being run: stages add what they ignore (zip members) here
        self.router: Router | None = None  # name/village lookups for routing, rebuilt after any sheet import
        self.reader: PageReader = Inline()  # reads documents' pages; an OcrPool reads ahead in worker processes
        self.column_names: rosters.Names | None = None  # synonym table with policy.toml [columns], read once
        self.layouts: dict[str, dict[str, str]] = {}  # mappings people confirmed (policy.toml [layouts])
        self._policy_stamp = -1

    def run(self, paths: Iterable[Path], source: str = "ingest") -> BatchReport:
        paths = list(paths)
        explicit = {p for p in paths if not p.is_dir()}  # a file named on the command line may be a link
        skipped: list[tuple[str, str]] = []
        found = collect(paths, exclude=self.home.root, skipped=skipped, lock_files=source == "ingest")
        report = self.run_items(found, source, explicit)
        report.ignored = skipped + report.ignored
        for name, why in skipped:
            log.info("ignored %s: %s", name, why)
        return report

    def run_items(self, found: list[tuple[Path, str]], source: str = "ingest",
                  explicit: set[Path] | frozenset[Path] = frozenset()) -> BatchReport:
        """Ingest (path, name shown to people) pairs as one batch: every stage reads every item, then each item
        is filed by the first stage that accepts it (one transaction each), then the stages finish the batch.
        Names are shown escaped (non-UTF-8 bytes, newlines); the file is still read by its raw name. A
        policy.toml with a bad value is refused here (PolicyError names key and line), before any file is
        touched. The catalog's after-commit hooks (the search index) run once, when the batch ends."""
        with self.catalog.hooks_held():
            return self._run_batch(found, source, explicit)

    def _run_batch(self, found: list[tuple[Path, str]], source: str,
                   explicit: set[Path] | frozenset[Path]) -> BatchReport:
        self._read_policy()
        try:
            self.batch_id = self.catalog.start_batch(source)
        except Exception as exc:
            why = _storage_failure(exc)
            if why is None:
                raise
            return BatchReport(0, stopped=why, not_done=[scrub(shown(name)) for _, name in found])
        report = self.report = BatchReport(self.batch_id)
        # shown and stored with any ID number or account in it masked; routing still reads the full name
        inputs = [Input(p, scrub(shown(name)), route_name=shown(name)) for p, name in found]
        self.reporter.start(len(inputs), "读取与校验 / checking")
        try:
            self._read_all(inputs, explicit)
        except HomeUnwritable as exc:  # the disk filled while unpacking: nothing filed yet, all waits
            report.stopped = str(exc)
            report.not_done = [scrub(shown(name)) for _, name in found]
            log.error("batch stopped: %s", report.stopped)
            self._end(report, len(inputs))
            return report
        ahead = [i for stage in self.stages for i in stage.first(inputs)]  # spreadsheets, oldest period first
        first = {id(i) for i in ahead}
        # a copy after its original, so identical bytes are filed under the name the office gave them
        queue = ahead + sorted((i for i in inputs if id(i) not in first), key=lambda i: looks_like_a_copy(i.name))
        self.reporter.start(len(inputs), "归档 / filing")
        for stage in self.stages:
            stage.begin(self, queue)
        self._file_all(queue, report)
        self.reader.close()
        self._end(report, len(inputs))
        return report

    def _read_all(self, inputs: list[Input], explicit: set[Path] | frozenset[Path]) -> None:
        """Every stage reads every item; a zip's members are appended to `inputs` and read in turn."""
        for item in inputs:
            item.problem = not_to_open(item.path, item.path in explicit)
            if not item.problem:
                try:
                    for stage in self.stages:
                        inputs += stage.read(self, item)
                except OSError as exc:  # locked by the scanner, vanished, a share hiccup: leave it, try later
                    item.problem, item.retry = f"文件暂时无法读取，稍后重试 / unreadable now: {exc.strerror}", True
            self.reporter.advance()

    def _file_all(self, queue: list[Input], report: BatchReport) -> None:
        for n, item in enumerate(queue):
            try:
                outcome = self._process_guarded(item)
            except HomeUnwritable as exc:  # nothing more can be filed now: stop cleanly, leave the rest
                report.stopped = str(exc)
                report.not_done = [i.name for i in queue[n:]]
                log.error("batch stopped: %s", report.stopped)
                break
            report.outcomes.append(outcome)
            if outcome.outcome == SKIPPED:
                pass  # left where it is
            elif outcome.outcome != DUPLICATE or outcome.detail.get("same_file"):
                self._remove_source(item, outcome)
            self.reporter.advance()

    def _end(self, report: BatchReport, files: int) -> None:
        """The stages finish the batch (zips' members go, quarantined scans are retried), then it is closed."""
        try:
            for stage in self.stages:
                stage.finish(self, report)
            report.row_errors = [dict(r) for r in self.catalog.row_errors(batch_id=self.batch_id)]
        except Exception as exc:
            why = _storage_failure(exc)
            if why is None:
                raise
            report.stopped = report.stopped or why
        self._finish(report, files)

    def _finish(self, report: BatchReport, files: int) -> None:
        try:
            self.catalog.finish_batch(self.batch_id, {"counts": report.counts(), "files": files,
                                                      "stopped": report.stopped})
        except Exception as exc:
            why = _storage_failure(exc)
            if why is None:
                raise
            report.stopped = report.stopped or why

    def _process_guarded(self, item: Input) -> Outcome:
        """One file, whatever happens: its outcome, or HomeUnwritable when nothing can be written."""
        if item.problem:
            log.warning("skipped %s: %s", scrub(item.name), item.problem)
            return Outcome(item.name, SKIPPED, "", item.problem, None, {"retry": item.retry})
        try:
            return self.process(item)
        except Exception as exc:  # a bug or an unexpected file must not stop the batch
            why = _storage_failure(exc)
            if why is not None:
                raise HomeUnwritable(why) from exc
            log.exception("unexpected failure on %s", scrub(item.name))
            reason = f"处理时发生意外错误，已隔离待查 / unexpected error: {plain(str(exc))[:200]}"
        try:
            return self.quarantine(item, reason)
        except Exception as exc:
            why = _storage_failure(exc)
            if why is not None:
                raise HomeUnwritable(why) from exc
            log.exception("could not quarantine %s", scrub(item.name))
            return Outcome(item.name, SKIPPED, "", f"无法处理，文件留在原处 / could not be processed: {plain(str(exc))[:200]}",
                           None, {"retry": True})

    def _read_policy(self) -> None:
        """policy.toml before a batch touches any file (a bad value stops it, exit 2): the office's column names
        and the layouts people confirmed — read again when the file changed (a layout confirmed in the web
        while the watcher runs applies to the next file)."""
        path = self.home.root / "policy.toml"
        stamp = path.stat().st_mtime_ns if path.exists() else 0
        if self.column_names is not None and stamp == self._policy_stamp:
            return
        self._policy_stamp = stamp
        policy = load_policy(self.home.root)
        self.column_names = rosters.from_policy(policy.columns, policy.basis.mode == "分档")
        self.layouts = policy.layouts

    def column_names_and_layouts(self) -> tuple[rosters.Names, dict[str, dict[str, str]]]:
        """The office's column names and the layouts people confirmed, as the sheet stage reads them."""
        if self.column_names is None:
            self._read_policy()
        assert self.column_names is not None
        return self.column_names, self.layouts

    def process(self, item: Input) -> Outcome:
        """File one item: the same bytes already filed are a duplicate; otherwise the first stage that accepts it."""
        assert item.sniffed is not None
        known = self.catalog.file_by_sha(item.sha256)
        if known is not None and known["outcome"] not in (QUARANTINED, HELD):
            with self.catalog.transaction():  # the same bytes under this name too: accounted for
                self.catalog.add_file_name(int(known["id"]), item.stored_name, self.batch_id)
            return Outcome(item.name, DUPLICATE, known["kind"], f"与已归档文件内容相同：{scrub(known['source_name'])} / duplicate",
                           int(known["id"]), {"duplicate_of": scrub(known["source_name"])})
        for stage in self.stages:
            if stage.accepts(item):
                return stage.run(self, item)
        return self.quarantine(item, "暂不支持的文件类型 / unsupported file type (scans not enabled)")

    def file_row(self, item: Input, kind: str, outcome: str, reason: str, stored: str | None,
                 sheet_date: str | None = None) -> int:
        known = self.catalog.file_by_sha(item.sha256)
        if known is not None:  # a previously quarantined file being retried, or the same bytes under another name
            file_id = int(known["id"])
            self.catalog.update_file(file_id, kind=kind, outcome=outcome, reason=reason, stored_path=stored,
                                     batch_id=self.batch_id, source_name=item.stored_name)
        else:
            file_id = self.catalog.add_file(sha256=item.sha256, source_name=item.stored_name, kind=kind,
                                            size=item.path.stat().st_size, stored_path=stored, outcome=outcome,
                                            reason=reason, sheet_date=sheet_date, batch_id=self.batch_id)
        self.catalog.add_file_name(file_id, item.stored_name, self.batch_id)
        return file_id

    _file_row = file_row  # its name before FilingContext made it public; kept for code written against that

    def quarantine(self, item: Input, reason: str, candidates: list[str] | None = None, kind: str | None = None,
                   text: str | None = None) -> Outcome:
        """Keep the file under quarantine/ with its reason; a retried file keeps its one open item, and the same
        bytes under another name keep their one stored copy (the name is added to the file's names). The reason is
        made fit for users here (IDs masked, a library's absolute paths cut): it is stored, listed and printed."""
        reason = plain(reason)
        known = self.catalog.file_by_sha(item.sha256)
        kept = self.home.root / known["stored_path"] if known is not None and known["stored_path"] else None
        if known is not None and kept is not None and known["outcome"] == QUARANTINED and kept.is_file():
            dest = kept
        else:
            dest = quarantine_copy(self.home.quarantine, item.sha256, item.name, item.path, self.home.tmp)
        with self.catalog.transaction():
            file_id = self.file_row(item, kind or (item.sniffed.kind if item.sniffed else "") or "unknown",
                                     QUARANTINED, reason, self.home.relative(dest))
            open_items = [q for q in self.catalog.quarantine_items() if q["file_id"] == file_id]
            if open_items:
                self.catalog.update_quarantine(int(open_items[0]["id"]), reason, candidates or [])
            else:
                self.catalog.add_quarantine(file_id, item.stored_name, reason, self.home.relative(dest), candidates or [],
                                            text=text)
        log.info("quarantined %s: %s", scrub(item.name), scrub(reason))
        return Outcome(item.name, QUARANTINED, kind or "", reason, file_id, {"candidates": candidates or []})

    def _remove_source(self, item: Input, outcome: Outcome) -> None:
        if self.remove_sources and item.path.exists():
            item.path.unlink()
