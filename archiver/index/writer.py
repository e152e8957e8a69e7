"""One writer for the search index at a time, by design.

Any process may commit to the catalog; a change logs its households in the catalog's `index_log` in the
same transaction (`Catalog.mark_dirty`). Applying the log into one index folder is done by one process at
a time, the one holding `index/writer.lock` (an flock, released by the kernel when its holder dies). A
process that finds the lock held leaves the rest to the holder: it looks at the log's head again after
releasing it, so nothing committed before that moment waits for a later run. A household changed again
while it was being indexed is logged again under a higher number, above the position stored.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archiver.filing import STORAGE_ERRNOS

log = logging.getLogger("dibao.index")
LOCK_NAME = "writer.lock"
WAIT_S = 600.0  # how long a rebuild waits for another process's drain before giving up


class IndexBusy(Exception):
    """Another process holds the index writer lock (it drains what this one queued)."""


def lock_path(index_folder: Path) -> Path:
    return index_folder / LOCK_NAME


@contextmanager
def held(index_folder: Path, wait: bool = False) -> Iterator[None]:
    """Hold the index writer lock. Without `wait`, raise IndexBusy at once when another process (or another
    thread of this one) holds it; with `wait`, poll for up to WAIT_S seconds, then raise IndexBusy."""
    index_folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(index_folder), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + (WAIT_S if wait else 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy() from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def busy_error(exc: BaseException) -> bool:
    """tantivy's LockBusy: a writer outside this protocol (an older dibao) holds the index. Treated like
    IndexBusy: the households stay queued."""
    return "LockBusy" in str(exc)


def storage_error(exc: BaseException, folder: Path) -> bool:
    """tantivy reports a full or read-only disk as a ValueError naming the OS error — or, when a writer thread
    hit it first, only as a killed writer thread, told from a bug by the disk it writes to being full."""
    if isinstance(exc, OSError):
        return exc.errno in STORAGE_ERRNOS
    text = str(exc)
    if any(w in text for w in ("StorageFull", "No space left", "os error 28", "Read-only file system", "os error 30")):
        return True
    try:
        return "writer was killed" in text and shutil.disk_usage(folder.parent).free < 64 << 20
    except OSError:
        return False
