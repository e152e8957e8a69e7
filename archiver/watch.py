"""`dibao watch`: ingest every file that lands in the inbox, once it is completely written.

Scanners and office PCs often write to SMB/NFS shares where inotify sees nothing, so besides the
watchdog events there is a polling mode and a periodic full rescan. A file is taken only when its
size and mtime have stayed the same for `settle` seconds; the work queue holds each path once; a bad
file is quarantined by the pipeline and never stops the loop; a passing failure (file locked or still
being copied) is retried with back-off; files left from a previous run are picked up at start.
Whatever goes wrong with one file is caught for that file: it is retried, and a file given up on is
listed in `errors` (shown by `serve`), never dropped in silence. A home that cannot be written (disk
full, read-only) holds every file in the inbox and is retried until it can.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from archiver.catalog import Catalog
from archiver.filenames import shown
from archiver.home import Home
from archiver.pipeline import SKIPPED, Ingestor, Reporter, collect, ignored
from archiver.privacy import scrub

log = logging.getLogger("dibao.watch")
MAX_ATTEMPTS = 5
MAX_BACKOFF = 300.0  # a full or read-only home is retried at least every five minutes, for ever


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
                 on_outcome: Callable[[str, str, str], None] | None = None) -> None:
        self.home, self.catalog, self.inbox = home, catalog, inbox
        self.poll, self.settle, self.rescan_every = poll, settle, rescan_every
        self.pending: dict[Path, _Pending] = {}
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.ingestor = Ingestor(home, catalog, reporter, remove_sources=True)
        self.on_outcome = on_outcome
        self.processed = 0
        self.errors: collections.deque[dict] = collections.deque(maxlen=50)  # given up on, or the home stuck
        self.blocked = ""  # why nothing can be filed now (disk full, read-only), "" when all is well
        self.refused: dict[Path, tuple[int, float]] = {}  # links and FIFOs reported once, not at every rescan

    def enqueue(self, path: Path) -> None:
        if ignored(path.name):
            return
        with self.lock:
            if path in self.refused:
                try:
                    st = os.lstat(path)
                except OSError:
                    self.refused.pop(path, None)
                    return
                if self.refused[path] == (st.st_size, st.st_mtime):
                    return
                del self.refused[path]
            self.pending.setdefault(path, _Pending())

    def rescan(self) -> None:
        for path, _ in collect([self.inbox]):
            self.enqueue(path)

    def _ready(self, now: float) -> list[Path]:
        ready = []
        with self.lock:
            for path, p in list(self.pending.items()):
                try:
                    st = os.lstat(path)  # never stat through a link, never open a FIFO here
                except FileNotFoundError:
                    del self.pending[path]  # moved away or renamed: the new name has its own event
                    continue
                except OSError:
                    st = None  # unreadable name or folder: let process() report it
                if st is None:
                    ready.append(path)
                    continue
                if (st.st_size, st.st_mtime) != (p.size, p.mtime):
                    p.size, p.mtime, p.stable_since = st.st_size, st.st_mtime, now
                    continue
                if now - p.stable_since >= self.settle and now >= p.not_before:
                    ready.append(path)
        return ready

    def process(self, path: Path) -> None:
        """One file, whatever happens: filed, quarantined, refused with a message, retried, or — after
        MAX_ATTEMPTS — given up on and listed in `errors`. Never raises."""
        name = str(path.relative_to(self.inbox)) if path.is_relative_to(self.inbox) else path.name
        try:
            report = self.ingestor.run_items([(path, name)], source="watch")
        except Exception as exc:  # a bug, a database hiccup: this file again later, the loop goes on
            log.exception("failure on %s", scrub(shown(name)))
            self._retry(path, name, f"处理出错 / failed: {scrub(str(exc))[:200]}")
            return
        if report.stopped:  # disk full or read-only: the file stays in the inbox until the home is writable
            new = self.blocked != report.stopped
            self.blocked = report.stopped
            self._retry(path, name, report.stopped, give_up=False)  # backing off, never given up
            if new:  # said once, not at every retry; serve shows `blocked` meanwhile
                self._note(name, "error", report.stopped)
            return
        self.blocked = ""
        again = [o for o in report.outcomes if o.outcome == SKIPPED and o.detail.get("retry")]
        if again:
            self._retry(path, name, again[0].reason)
            return
        with self.lock:
            self.pending.pop(path, None)
            if any(o.outcome == SKIPPED for o in report.outcomes):
                try:
                    st = os.lstat(path)
                    self.refused[path] = (st.st_size, st.st_mtime)
                except OSError:
                    pass
        self.processed += 1
        for ignored_name, why in report.ignored:  # zip members not unpacked (hidden, a path out of the zip)
            self._note(ignored_name, "ignored", why)
        for o in report.outcomes:
            log.info("%s %s %s", o.outcome, scrub(o.source_name), scrub(o.reason))
            if o.outcome == SKIPPED:  # refused (a link, a FIFO): listed where serve shows the watcher's troubles
                self.errors.append({"at": dt.datetime.now().isoformat(timespec="seconds"), "name": o.source_name,
                                    "reason": f"未处理，留在收件箱：{o.reason}"})
            self._note(o.source_name, o.outcome, o.reason)

    def _retry(self, path: Path, name: str, reason: str, give_up: bool = True) -> None:
        with self.lock:
            p = self.pending.get(path)
            if p is None:
                return
            p.attempts += 1
            if give_up and p.attempts >= MAX_ATTEMPTS:
                del self.pending[path]
                log.error("giving up on %s after %d attempts: %s", scrub(shown(name)), p.attempts, scrub(reason))
                self.errors.append({"at": dt.datetime.now().isoformat(timespec="seconds"), "name": shown(name),
                                    "reason": f"已放弃（尝试{p.attempts}次），文件留在收件箱：{scrub(reason)}"})
                given_up = True
            else:
                p.not_before = time.monotonic() + min(2.0 ** p.attempts, MAX_BACKOFF)
                log.warning("will retry %s: %s", scrub(shown(name)), scrub(reason))
                given_up = False
        if given_up:
            self._note(shown(name), "error", f"已放弃，文件留在收件箱 / given up: {scrub(reason)}")

    def _note(self, name: str, outcome: str, reason: str) -> None:
        if self.on_outcome:
            try:
                self.on_outcome(name, outcome, reason)
            except Exception:  # a closed terminal must not stop the watcher
                log.exception("could not report an outcome")

    def state(self) -> dict:
        """What `serve` shows about the watcher: files waiting, files given up on, why it is held up."""
        with self.lock:
            pending = len(self.pending)
        return {"pending": pending, "processed": self.processed, "blocked": self.blocked, "errors": list(self.errors)}

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
                try:
                    if now - last_scan >= self.rescan_every:
                        self.inbox.mkdir(parents=True, exist_ok=True)
                        self.rescan()
                        last_scan = now
                    for path in self._ready(now):
                        if self.stop_event.is_set():
                            break
                        self.process(path)
                except Exception:  # the inbox vanished, a share went away: log it, keep watching
                    log.exception("watch loop")
                    last_scan = now
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


class Supervisor:
    """Runs a Watcher in a daemon thread for `serve` and restarts it (with a fresh catalog connection)
    whenever it dies, so a months-long unattended server never silently stops filing. `state()` says
    whether it is running now and why it last stopped — the web shows it."""

    def __init__(self, make: Callable[[], Watcher], restart_after: float = 5.0) -> None:
        self.make, self.restart_after = make, restart_after
        self.watcher: Watcher | None = None
        self.stop_event = threading.Event()
        self.restarts = 0
        self.last_crash = ""
        self.thread = threading.Thread(target=self._loop, name="dibao-watch", daemon=True)

    def start(self) -> Supervisor:
        self.thread.start()
        return self

    def _loop(self) -> None:
        while not self.stop_event.is_set():
            try:
                self.watcher = self.make()
                self.watcher.run()
                if self.stop_event.is_set():
                    return
                raise RuntimeError("watcher returned")
            except Exception as exc:
                log.exception("watcher died; restarting")
                self.last_crash = f"{dt.datetime.now().isoformat(timespec='seconds')} {scrub(str(exc))[:200]}"
                self.restarts += 1
                dead, self.watcher = self.watcher, None
                if dead is not None:
                    try:
                        dead.catalog.close()
                    except Exception:  # already unusable: nothing more to release
                        log.debug("closing a dead watcher's catalog", exc_info=True)
                self.stop_event.wait(self.restart_after)

    def running(self) -> bool:
        return self.thread.is_alive() and self.watcher is not None and not self.stop_event.is_set()

    def state(self) -> dict:
        w = self.watcher
        base = w.state() if w is not None else {"pending": 0, "processed": 0, "blocked": "", "errors": []}
        return {**base, "running": self.running(), "restarts": self.restarts, "last_crash": self.last_crash}

    def stop(self) -> None:
        self.stop_event.set()
        if self.watcher is not None:
            self.watcher.stop()
