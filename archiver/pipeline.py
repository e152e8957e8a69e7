"""Ingest: the ordered steps every input goes through, each file ending archived, duplicate or quarantined.

Steps: collect → checksum → sniff → (spreadsheets: parse → apply) | (documents: read → route → file)
→ commit → index. A file's outcome is committed in one transaction together with everything it
changed; a bad file is quarantined with its reason and the batch goes on.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from archiver import archives, rosters, sheet_review, status
from archiver.catalog import Catalog
from archiver.filenames import looks_like_a_copy, shown
from archiver.filing import STORAGE_ERRNOS, StorageError, quarantine_copy, sha256_of, store_source
from archiver.home import Home
from archiver.ocr_pool import Inline, PageReader
from archiver.outcomes import (
    ARCHIVED,
    DUPLICATE,
    HELD,
    QUARANTINED,
    SKIPPED,
    BatchReport,
    FilingContext,
    Input,
    Outcome,
)
from archiver.outcomes import Input as _Input  # the name before archiver/outcomes.py
from archiver.policy import load as load_policy
from archiver.privacy import plain, scrub
from archiver.route import Router
from archiver.sniff import SPREADSHEET, Sniffed, sniff

log = logging.getLogger("dibao.ingest")

JUNK = (".DS_Store", "Thumbs.db", "desktop.ini")
SUFFIX = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx",
          "xls": ".xls", "csv": ".csv"}


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


class HomeUnwritable(Exception):
    """The archive cannot be written now (disk full, read-only): stop the batch, try again later."""


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


def ignored_reason(name: str) -> str | None:
    """Why a file is not an input at all — editor lock files, partial downloads, our own temp files, system
    clutter and hidden files — or None. A name that merely starts with `..` (a clerk's "..报告.pdf") is a file."""
    if is_lock_file(name):
        return "Office/WPS临时锁文件（表格正被打开时生成），不是数据，已忽略 / editor lock file, ignored"
    if name.lower() in {j.lower() for j in JUNK} or name.startswith("._"):
        return "系统生成的文件夹设置或缩略图文件，已忽略 / system folder file, ignored"
    if name.endswith((".tmp", ".part", ".crdownload")):
        return "临时文件或未下载完的文件，已忽略 / temporary or partial file, ignored"
    if name.startswith(".") and not name.startswith(".."):
        return "隐藏文件，已忽略 / hidden file, ignored"
    return None


def is_lock_file(name: str) -> bool:
    return name.startswith(("~$", ".~lock"))


LOCK_FILE_REASON = ("Office/WPS临时锁文件（表格打开时自动生成，不是报表）；请将对应表格保存关闭后导入，此项可不予归档"
                    " / editor lock file, not a spreadsheet")


def ignored(name: str) -> bool:
    return ignored_reason(name) is not None


def collect(paths: Iterable[Path], exclude: Path | None = None,
            skipped: list[tuple[str, str]] | None = None, lock_files: bool = False) -> list[tuple[Path, str]]:
    """Every file under the given paths, skipping editor lock files, our own temp files and anything
    inside the archive home itself (ingesting a folder that holds the home must not eat it). Links and
    other non-regular entries are listed too: `Ingestor` refuses them with a message, never opens them.
    The files skipped as lock, temp or desktop.ini-like go to `skipped` as (name, why): never dropped silently.
    `lock_files`: a folder imported by hand keeps its lock files as inputs (quarantined with their reason, so
    the clerk sees what was copied along); the watcher leaves them alone while the workbook may be open."""
    out: list[tuple[Path, str]] = []
    skip = exclude.resolve() if exclude else None
    for p in paths:
        if p.is_dir():
            for root, dirs, files in os.walk(p):  # never follows a linked folder
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and (skip is None or (Path(root) / d).resolve() != skip))
                for f in sorted(files):
                    why = None if lock_files and is_lock_file(f) else ignored_reason(f)
                    if why:
                        if skipped is not None:
                            skipped.append((scrub(shown(os.path.relpath(Path(root) / f, p))), why))
                        continue
                    full = Path(root) / f
                    out.append((full, os.path.relpath(full, p)))
        elif p.exists() or p.is_symlink():
            out.append((p, p.name))
        else:
            raise FileNotFoundError(f"路径不存在：{p} / no such file or folder")
    return out


def _not_to_open(path: Path, explicit: bool) -> str:
    """Why `path` must not be opened, or "": a link found in a folder (never followed out of it), a FIFO,
    a device or a socket (opening one may block forever)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if not explicit:
                return "符号链接，未跟随（请直接放入文件本身）/ symbolic link not followed"
            st = os.stat(path)
    except OSError as exc:
        return f"文件无法读取 / unreadable: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        kind = "命名管道" if stat.S_ISFIFO(st.st_mode) else "设备或套接字" if not stat.S_ISDIR(st.st_mode) else "文件夹"
        return f"不是普通文件（{kind}），已跳过 / not a regular file, skipped"
    return ""


DocumentHandler = Callable[[FilingContext, Input], Outcome]


class Ingestor:
    """One ingest run over a set of files. Holds no state between runs beyond the catalog."""

    def __init__(self, home: Home, catalog: Catalog, reporter: Reporter | None = None,
                 document_handler: DocumentHandler | None = None, remove_sources: bool = False) -> None:
        self.home, self.catalog = home, catalog
        self.reporter = reporter or Silent()
        self.document_handler = document_handler
        self.remove_sources = remove_sources
        self.batch_id = 0
        self.router: Router | None = None  # name/village lookups for routing, rebuilt after any sheet import
        self.reader: PageReader = Inline()  # reads documents' pages; an OcrPool reads ahead in worker processes
        self.column_names: rosters.Names | None = None  # synonym table with policy.toml [columns], read once
        self._zip_budget = archives.Budget()
        self._zip_ignored: list[tuple[str, str]] = []
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
        """Ingest (path, name shown to people) pairs as one batch. Names are shown escaped (non-UTF-8
        bytes, newlines); the file is still read by its raw name. A policy.toml with a bad value is refused
        here (PolicyError names key and line), before any file is touched."""
        self._read_policy()
        try:
            self.batch_id = self.catalog.start_batch(source)
        except Exception as exc:
            why = _storage_failure(exc)
            if why is None:
                raise
            return BatchReport(0, stopped=why, not_done=[scrub(shown(name)) for _, name in found])
        report = BatchReport(self.batch_id)
        self._zip_budget = archives.Budget()  # what this batch's zips may unpack, nested ones included
        self._zip_ignored = report.ignored  # zip members not unpacked: (name, why)
        # shown and stored with any ID number or account in it masked; routing still reads the full name
        inputs = [_Input(p, scrub(shown(name)), route_name=shown(name)) for p, name in found]
        self.reporter.start(len(inputs), "读取与校验 / checking")
        zips: list[str] = []
        for item in inputs:  # a zip's members are appended here and checked in turn
            item.problem = _not_to_open(item.path, item.path in explicit)
            if not item.problem:
                try:
                    item.sha256 = sha256_of(item.path)
                    item.sniffed = sniff(item.path)
                    if item.sniffed.kind == "zip":
                        zips.append(item.sha256)
                        inputs += self._unpack(item)
                    if item.sniffed.kind in SPREADSHEET:
                        self._parse_sheet(item)
                except HomeUnwritable as exc:  # the disk filled while unpacking: nothing filed yet, all waits
                    archives.cleanup(self.home.tmp, zips)
                    report.stopped = str(exc)
                    report.not_done = [scrub(shown(name)) for _, name in found]
                    log.error("batch stopped: %s", report.stopped)
                    self._finish(report, len(inputs))
                    return report
                except OSError as exc:  # locked by the scanner, vanished, a share hiccup: leave it, try later
                    item.problem, item.retry = f"文件暂时无法读取，稍后重试 / unreadable now: {exc.strerror}", True
            self.reporter.advance()
        # spreadsheets first, oldest period first: later rosters then see earlier ones as history; a bank's
        # export (accounts, no persons) last, when the accounts the rosters hold are on file
        sheets = sorted((i for i in inputs if i.sniffed and i.sniffed.kind in SPREADSHEET),
                        key=lambda i: (rosters.placed_by_account(i.parsed or []), i.sheet_date or "9999", i.name))
        # a copy after its original, so identical bytes are filed under the name the office gave them
        others = sorted((i for i in inputs if not (i.sniffed and i.sniffed.kind in SPREADSHEET)),
                        key=lambda i: looks_like_a_copy(i.name))
        self.reporter.start(len(inputs), "归档 / filing")
        if self.document_handler is not None:  # pages are read ahead (in parallel); filed below in this order
            self.reader.submit([(i.path, i.sniffed.kind) for i in others
                                if not i.problem and i.sniffed and i.sniffed.ok
                                and self.catalog.file_by_sha(i.sha256) is None])
        queue = sheets + others
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
        self.reader.close()
        archives.cleanup(self.home.tmp, zips)
        # new people (a sheet's, or an applicant's made from their 申请书): quarantined scans may place now
        imported_sheets = any(o.outcome == ARCHIVED and (o.kind in ("roster", "change", "disbursement")
                                                         or o.detail.get("applicants")) for o in report.outcomes)
        try:
            if self.document_handler is not None and imported_sheets and not report.stopped:
                from archiver.documents import (
                    retry_quarantined,  # new people: quarantined scans may place now
                )

                report.refiled = retry_quarantined(self.home, self.catalog)
            report.row_errors = [dict(r) for r in self.catalog.row_errors(batch_id=self.batch_id)]
        except Exception as exc:
            why = _storage_failure(exc)
            if why is None:
                raise
            report.stopped = report.stopped or why
        self._finish(report, len(inputs))
        return report

    def _finish(self, report: BatchReport, files: int) -> None:
        try:
            self.catalog.finish_batch(self.batch_id, {"counts": report.counts(), "files": files,
                                                      "stopped": report.stopped})
        except Exception as exc:
            why = _storage_failure(exc)
            if why is None:
                raise
            report.stopped = report.stopped or why

    def _process_guarded(self, item: _Input) -> Outcome:
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

    # ------------------------------------------------------------------ steps
    def _parse_sheet(self, item: _Input) -> None:
        assert item.sniffed is not None
        try:
            if self.column_names is None:
                self._read_policy()
            assert self.column_names is not None
            item.parsed = rosters.parse_file(item.path, item.sniffed.kind, item.name, self.column_names, self.layouts)
            item.sheet_date = item.parsed[0].sheet_date
        except (rosters.Unrecognised, rosters.SheetReadError, ValueError) as exc:
            item.sniffed = Sniffed("", str(exc))

    def process(self, item: _Input) -> Outcome:
        assert item.sniffed is not None
        known = self.catalog.file_by_sha(item.sha256)
        if known is not None and known["outcome"] not in (QUARANTINED, HELD):
            with self.catalog.transaction():  # the same bytes under this name too: accounted for
                self.catalog.add_file_name(int(known["id"]), item.stored_name, self.batch_id)
            return Outcome(item.name, DUPLICATE, known["kind"], f"与已归档文件内容相同：{scrub(known['source_name'])} / duplicate",
                           int(known["id"]), {"duplicate_of": scrub(known["source_name"])})
        if is_lock_file(Path(item.name).name):
            return self.quarantine(item, LOCK_FILE_REASON)
        if not item.sniffed.ok:
            return self.quarantine(item, item.sniffed.reason)
        if item.sniffed.kind in SPREADSHEET:
            return self._import_sheet(item)
        if item.sniffed.kind == "zip":
            return self._keep_zip(item)
        if self.document_handler is None:
            return self.quarantine(item, "暂不支持的文件类型 / unsupported file type (scans not enabled)")
        return self.document_handler(self, item)

    def _import_sheet(self, item: _Input) -> Outcome:
        assert item.sniffed is not None and item.parsed is not None
        stored = store_source(self.home.sources, item.sha256, SUFFIX[item.sniffed.kind], item.path)
        kind = item.parsed[0].parsed.kind
        review = sheet_review.of_input(item)
        if review["held"]:  # uncertain: kept whole until a person confirms the mapping, never half-imported
            with self.catalog.transaction():
                file_id = self.file_row(item, kind, HELD, review["reason"], self.home.relative(stored), item.sheet_date)
                sheet_review.record(self.catalog, item, file_id, review)
            log.info("held %s for confirmation: %s", scrub(item.name), scrub(review["reason"]))
            return Outcome(item.name, HELD, kind, review["reason"], file_id, sheet_review.detail(review))
        with self.catalog.transaction():
            file_id = self.file_row(item, kind, ARCHIVED, "", self.home.relative(stored), item.sheet_date)
            sheet_review.record(self.catalog, item, file_id, review)
            result = rosters.apply(self.catalog, item.parsed, file_id)
            for e in result.errors:
                self.catalog.add_row_error(batch_id=self.batch_id, file_id=file_id, source_name=item.name,
                                           sheet=e.sheet, row=e.row, col=e.column, reason=e.reason)
            status.refresh(self.catalog, result.touched)
            self.catalog.mark_dirty(result.touched)
        self.router = None  # new households and members: a watcher's next scan must see them
        log.info("imported %s as %s: %d rows, %d rejected", scrub(item.name), kind, result.rows, len(result.errors))
        return Outcome(item.name, ARCHIVED, kind, "", file_id, {
            "rows": result.rows, "rejected": len(result.errors), "households_created": result.households_created,
            "events": result.events_added, "payments": result.payments_added, "sheet_date": result.sheet_date,
            **rosters.report_detail(item.parsed, result), **sheet_review.detail(review)})

    def _unpack(self, item: _Input) -> list[_Input]:
        try:
            ignored: list[tuple[str, str]] = []
            members = archives.unpack(item.path, item.route_name or item.name, item.sha256, self.home.tmp,
                                      self._zip_budget, ignored)
            for name, why in ignored:
                self._zip_ignored.append((scrub(shown(name)), why))
                log.info("ignored %s: %s", scrub(shown(name)), why)
            return [_Input(p, scrub(shown(n)), route_name=shown(n)) for p, n in members]
        except archives.ZipRefused as exc:
            item.sniffed = Sniffed("", str(exc))
            return []
        except OSError as exc:
            if exc.errno not in STORAGE_ERRNOS:
                raise
            archives.cleanup(self.home.tmp, [item.sha256])
            raise HomeUnwritable("磁盘空间已满或不可写，无法解压压缩包；请清理空间后重试，文件留在原处 / "
                                 f"disk full while unpacking a zip: {exc.strerror}") from exc

    def _keep_zip(self, item: _Input) -> Outcome:
        """The zip itself is kept as the source its members came in; each member has its own outcome."""
        stored = store_source(self.home.sources, item.sha256, ".zip", item.path)
        with self.catalog.transaction():
            file_id = self.file_row(item, "zip", ARCHIVED, "", self.home.relative(stored))
        return Outcome(item.name, ARCHIVED, "zip", "", file_id)

    def file_row(self, item: _Input, kind: str, outcome: str, reason: str, stored: str | None,
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

    def quarantine(self, item: _Input, reason: str, candidates: list[str] | None = None, kind: str | None = None,
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

    def _remove_source(self, item: _Input, outcome: Outcome) -> None:
        if self.remove_sources and item.path.exists():
            item.path.unlink()
