"""One writer for the search index at a time, by design.

Any process may commit to the catalog; a change marks its households in the catalog's `index_queue` in the
same transaction (the after-commit hook's queue: `Catalog.mark_dirty`). Draining that queue into the index
is done by one process at a time, the one holding `index/writer.lock` (an flock, released by the kernel
when its holder dies). A process that finds the lock held leaves its households queued: the holder looks
at the queue again after releasing it, so nothing committed before that moment waits for a later run.
Each queued household carries a mark that a later change bumps, so a household changed again while it
was being indexed stays queued (`Catalog.clear_dirty` removes only the mark that was indexed).
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
