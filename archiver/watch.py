"""`dibao watch`: ingest every file that lands in the inbox, once it is completely written.

Scanners and office PCs often write to SMB/NFS shares where inotify sees nothing, so besides the
watchdog events there is a polling mode and a periodic full rescan. A file is taken only when its
size and mtime have stayed the same for `settle` seconds; the work queue holds each path once; a bad
file is quarantined by the pipeline and never stops the loop; a passing failure (file locked or still
being copied) is retried with back-off; files left from a previous run are picked up at start.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from archiver.catalog import Catalog
from archiver.home import Home
from archiver.pipeline import Ingestor, Reporter, collect, ignored_reason
from archiver.privacy import scrub

log = logging.getLogger("dibao.watch")
MAX_ATTEMPTS = 5


@dataclass
class _Pending:
    size: int = -1
    mtime: float = -1.0
    stable_since: float = 0.0
    attempts: int = 0
    not_before: float = 0.0


class _Handler(FileSystemEventHandler):
    def __init__(self, enqueue: Callable[[Path], None]) -> None:
        self.enqueue = enqueue

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        target = getattr(event, "dest_path", "") or event.src_path
        self.enqueue(Path(str(target)))


class Watcher:
    def __init__(self, home: Home, catalog: Catalog, inbox: Path, poll: bool = False, settle: float = 3.0,
                 rescan_every: float = 60.0, reporter: Reporter | None = None,
                 document_handler=None, on_outcome: Callable[[str, str, str], None] | None = None) -> None:  # type: ignore[no-untyped-def]
        self.home, self.catalog, self.inbox = home, catalog, inbox
        self.poll, self.settle, self.rescan_every = poll, settle, rescan_every
        self.pending: dict[Path, _Pending] = {}
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.ingestor = Ingestor(home, catalog, reporter, document_handler=document_handler, remove_sources=True)
        self.on_outcome = on_outcome
        self.processed = 0

    def enqueue(self, path: Path) -> None:
        name = path.name
        if name.startswith(".") or ignored_reason(name):  # lock, temp, desktop.ini: never an input
            return
        with self.lock:
            self.pending.setdefault(path, _Pending())

    def rescan(self) -> None:
        for path, _ in collect([self.inbox]):
            self.enqueue(path)

    def _ready(self, now: float) -> list[Path]:
        ready = []
        with self.lock:
            for path, p in list(self.pending.items()):
                try:
                    st = path.stat()
                except FileNotFoundError:
                    del self.pending[path]  # moved away or renamed: the new name has its own event
                    continue
                if (st.st_size, st.st_mtime) != (p.size, p.mtime):
                    p.size, p.mtime, p.stable_since = st.st_size, st.st_mtime, now
                    continue
                if now - p.stable_since >= self.settle and now >= p.not_before:
                    ready.append(path)
        return ready

    def process(self, path: Path) -> None:
        name = str(path.relative_to(self.inbox)) if path.is_relative_to(self.inbox) else path.name
        try:
            report = self.ingestor.run_items([(path, name)], source="watch")
        except OSError as exc:  # locked, vanished mid-read, share hiccup: try again later
            with self.lock:
                p = self.pending.get(path)
                if p is None:
                    return
                p.attempts += 1
                if p.attempts >= MAX_ATTEMPTS:
                    log.error("giving up on %s after %d attempts: %s", scrub(name), p.attempts, scrub(str(exc)))
                    del self.pending[path]
                else:
                    p.not_before = time.monotonic() + 2 ** p.attempts
                    log.warning("will retry %s: %s", scrub(name), scrub(str(exc)))
            return
        with self.lock:
            self.pending.pop(path, None)
        self.processed += 1
        for o in report.outcomes:
            log.info("%s %s %s", o.outcome, scrub(o.source_name), scrub(o.reason))
            if self.on_outcome:
                self.on_outcome(o.source_name, o.outcome, o.reason)

    def run(self, until: Callable[[], bool] | None = None, tick: float = 0.5) -> None:
        """Loop until Ctrl-C, `stop()`, or `until()` says so; always leaves nothing half-filed."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        observer = PollingObserver(timeout=1) if self.poll else Observer()
        observer.schedule(_Handler(self.enqueue), str(self.inbox), recursive=True)
        observer.start()
        self.rescan()  # files left from a previous run
        last_scan = time.monotonic()
        try:
            while not self.stop_event.is_set():
                now = time.monotonic()
                if now - last_scan >= self.rescan_every:
                    self.rescan()
                    last_scan = now
                for path in self._ready(now):
                    if self.stop_event.is_set():
                        break
                    self.process(path)
                if until and until():
                    break
                self.stop_event.wait(tick)
        except KeyboardInterrupt:
            log.info("interrupted; stopping cleanly")
        finally:
            observer.stop()
            observer.join(timeout=5)

    def stop(self) -> None:
        self.stop_event.set()

    def idle(self) -> bool:
        with self.lock:
            return not self.pending
