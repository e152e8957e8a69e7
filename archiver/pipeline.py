"""Ingest: the ordered steps every input goes through, each file ending archived, duplicate or quarantined.

Steps: collect → checksum → sniff → (spreadsheets: parse → apply) | (documents: read → route → file)
→ commit → index. A file's outcome is committed in one transaction together with everything it
changed; a bad file is quarantined with its reason and the batch goes on.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from archiver import rosters, status
from archiver.catalog import Catalog
from archiver.filing import safe_part, sha256_of, store_source, write_atomic
from archiver.home import Home
from archiver.policy import load as load_policy
from archiver.privacy import scrub
from archiver.route import Router
from archiver.sniff import SPREADSHEET, Sniffed, sniff

log = logging.getLogger("dibao.ingest")

ARCHIVED, UPDATED, DUPLICATE, QUARANTINED = "archived", "updated", "duplicate", "quarantined"
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
    ignored: list[tuple[str, str]] = field(default_factory=list)  # lock/temp/desktop.ini files: (name, why)

    def counts(self) -> dict[str, int]:
        c = Counter(o.outcome for o in self.outcomes)
        return {k: c.get(k, 0) for k in (ARCHIVED, UPDATED, DUPLICATE, QUARANTINED)}


@dataclass
class _Input:
    path: Path
    name: str  # as shown to people: path relative to what was ingested
    sha256: str = ""
    sniffed: Sniffed | None = None
    parsed: list | None = None
    sheet_date: str | None = None


def ignored_reason(name: str) -> str | None:
    """Why a file is not an input at all (Office lock files, temp files, folder settings), or None."""
    low = name.lower()
    if name.startswith("~$"):
        return "Office临时锁文件（表格正被打开时生成），不是数据，已忽略 / Office lock file, ignored"
    if low in ("desktop.ini", "thumbs.db", ".ds_store", "ehthumbs.db") or name.startswith("._"):
        return "系统生成的文件夹设置或缩略图文件，已忽略 / system folder file, ignored"
    if low.endswith((".tmp", ".temp", ".part", ".crdownload", ".wbk", ".bak")) or name.startswith("~"):
        return "临时文件或未下载完的文件，已忽略 / temporary or partial file, ignored"
    return None


def collect(paths: Iterable[Path], exclude: Path | None = None,
            ignored: list[tuple[str, str]] | None = None) -> list[tuple[Path, str]]:
    """Every regular file under the given paths, skipping editor lock files, our own temp files and
    anything inside the archive home itself (ingesting a folder that holds the home must not eat it).
    Skipped lock, temp and desktop.ini-like files are listed in `ignored` (name, reason), never dropped silently."""
    out: list[tuple[Path, str]] = []
    skip = exclude.resolve() if exclude else None
    for p in paths:
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and (skip is None or (Path(root) / d).resolve() != skip))
                for f in sorted(files):
                    why = ignored_reason(f)
                    if why and ignored is not None:
                        ignored.append((os.path.relpath(Path(root) / f, p), why))
                    if why or f.startswith("."):
                        continue
                    full = Path(root) / f
                    out.append((full, os.path.relpath(full, p)))
        elif p.is_file():
            out.append((p, p.name))
        else:
            raise FileNotFoundError(f"路径不存在：{p} / no such file or folder")
    return out


DocumentHandler = Callable[["Ingestor", _Input], Outcome]


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
        self.column_names: rosters.Names | None = None  # synonym table with policy.toml [columns], read once

    def run(self, paths: Iterable[Path], source: str = "ingest") -> BatchReport:
        ignored: list[tuple[str, str]] = []
        report = self.run_items(collect(paths, exclude=self.home.root, ignored=ignored), source)
        report.ignored = ignored
        for name, why in ignored:
            log.info("ignored %s: %s", scrub(name), why)
        return report

    def run_items(self, found: list[tuple[Path, str]], source: str = "ingest") -> BatchReport:
        """Ingest (path, name shown to people) pairs as one batch."""
        self.batch_id = self.catalog.start_batch(source)
        report = BatchReport(self.batch_id)
        inputs = [_Input(p, name) for p, name in found]
        self.reporter.start(len(inputs), "读取与校验 / checking")
        for item in inputs:
            item.sha256 = sha256_of(item.path)
            item.sniffed = sniff(item.path)
            if item.sniffed.kind in SPREADSHEET:
                self._parse_sheet(item)
            self.reporter.advance()
        # spreadsheets first, oldest period first: later rosters then see earlier ones as history
        sheets = sorted((i for i in inputs if i.sniffed and i.sniffed.kind in SPREADSHEET),
                        key=lambda i: (i.sheet_date or "9999", i.name))
        others = [i for i in inputs if not (i.sniffed and i.sniffed.kind in SPREADSHEET)]
        self.reporter.start(len(inputs), "归档 / filing")
        for item in sheets + others:
            try:
                outcome = self.process(item)
            except Exception as exc:  # a bug or an unexpected file must not stop the batch
                log.exception("unexpected failure on %s", scrub(item.name))
                outcome = self.quarantine(item, f"处理时发生意外错误，已隔离待查 / unexpected error: {scrub(str(exc))[:200]}")
            report.outcomes.append(outcome)
            if outcome.outcome != DUPLICATE or outcome.detail.get("same_file"):
                self._remove_source(item, outcome)
            self.reporter.advance()
        imported_sheets = any(o.outcome == ARCHIVED and o.kind in ("roster", "change", "disbursement")
                              for o in report.outcomes)
        if self.document_handler is not None and imported_sheets:  # new people: quarantined scans may place now
            from archiver.documents import retry_quarantined

            report.refiled = retry_quarantined(self.home, self.catalog)
        report.row_errors = [dict(r) for r in self.catalog.row_errors(batch_id=self.batch_id)]
        self.catalog.finish_batch(self.batch_id, {"counts": report.counts(), "files": len(inputs)})
        return report

    # ------------------------------------------------------------------ steps
    def _parse_sheet(self, item: _Input) -> None:
        assert item.sniffed is not None
        try:
            if self.column_names is None:
                self.column_names = rosters.from_policy(load_policy(self.home.root).raw)
            item.parsed = rosters.parse_file(item.path, item.sniffed.kind, item.name, self.column_names)
            item.sheet_date = item.parsed[0].sheet_date
        except (rosters.Unrecognised, rosters.SheetReadError, ValueError) as exc:
            item.sniffed = Sniffed("", str(exc))

    def process(self, item: _Input) -> Outcome:
        assert item.sniffed is not None
        known = self.catalog.file_by_sha(item.sha256)
        if known is not None and known["outcome"] != QUARANTINED:
            return Outcome(item.name, DUPLICATE, known["kind"], f"与已归档文件内容相同：{known['source_name']} / duplicate",
                           int(known["id"]), {"duplicate_of": known["source_name"]})
        if not item.sniffed.ok:
            return self.quarantine(item, item.sniffed.reason)
        if item.sniffed.kind in SPREADSHEET:
            return self._import_sheet(item)
        if self.document_handler is None:
            return self.quarantine(item, "暂不支持的文件类型 / unsupported file type (scans not enabled)")
        return self.document_handler(self, item)

    def _import_sheet(self, item: _Input) -> Outcome:
        assert item.sniffed is not None and item.parsed is not None
        stored = store_source(self.home.sources, item.sha256, SUFFIX[item.sniffed.kind], item.path)
        kind = item.parsed[0].parsed.kind
        with self.catalog.transaction():
            file_id = self._file_row(item, kind, ARCHIVED, "", self.home.relative(stored), item.sheet_date)
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
            **rosters.report_detail(item.parsed, result)})

    def _file_row(self, item: _Input, kind: str, outcome: str, reason: str, stored: str | None,
                  sheet_date: str | None = None) -> int:
        known = self.catalog.file_by_sha(item.sha256)
        if known is not None:  # a previously quarantined file being retried
            self.catalog.update_file(int(known["id"]), kind=kind, outcome=outcome, reason=reason, stored_path=stored,
                                     batch_id=self.batch_id, source_name=item.name)
            return int(known["id"])
        return self.catalog.add_file(sha256=item.sha256, source_name=item.name, kind=kind, size=item.path.stat().st_size,
                                     stored_path=stored, outcome=outcome, reason=reason, sheet_date=sheet_date,
                                     batch_id=self.batch_id)

    def quarantine(self, item: _Input, reason: str, candidates: list[str] | None = None, kind: str | None = None,
                   text: str | None = None) -> Outcome:
        """Keep the file under quarantine/ with its reason; a retried file keeps its one open item."""
        name = f"{item.sha256[:12]}_{safe_part(Path(item.name).name, 80)}"
        dest = self.home.quarantine / name
        if not dest.exists():
            write_atomic(dest, source=item.path)
        with self.catalog.transaction():
            file_id = self._file_row(item, kind or (item.sniffed.kind if item.sniffed else "") or "unknown",
                                     QUARANTINED, reason, self.home.relative(dest))
            open_items = [q for q in self.catalog.quarantine_items() if q["file_id"] == file_id]
            if open_items:
                self.catalog.update_quarantine(int(open_items[0]["id"]), reason, candidates or [])
            else:
                self.catalog.add_quarantine(file_id, item.name, reason, self.home.relative(dest), candidates or [],
                                            text=text)
        log.info("quarantined %s: %s", scrub(item.name), scrub(reason))
        return Outcome(item.name, QUARANTINED, kind or "", reason, file_id, {"candidates": candidates or []})

    def _remove_source(self, item: _Input, outcome: Outcome) -> None:
        if self.remove_sources and item.path.exists():
            item.path.unlink()
