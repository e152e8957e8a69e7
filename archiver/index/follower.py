"""A web server's index follows the catalog's change log while the server runs (issue 28).

Several servers on one catalog each keep their own index: a write through one server syncs that server's
index at once (the after-commit hook), and every other server sees the log's head move on its next poll
and applies the new rows. A poll that finds nothing new costs one look-up on the log's primary key and the
read of a small file, so a second or two between polls keeps a document filed elsewhere findable within
seconds without loading the catalog.
"""

from __future__ import annotations

import logging
import threading

from archiver.catalog import Catalog
from archiver.home import Home

from . import position, sync_if_possible

log = logging.getLogger("dibao.index")
INTERVAL_S = 1.5


class Follower:
    """A daemon thread polling the log every `interval` seconds; `stop` ends it."""

    def __init__(self, home: Home, interval: float = INTERVAL_S) -> None:
        self.home = home
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dibao-index-follower", daemon=True)

    def start(self) -> Follower:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        cat: Catalog | None = None
        while not self._stop.wait(self.interval):
            try:
                cat = cat or Catalog.of(self.home)  # its own connection: the thread's, not a request's
                catch_up(self.home, cat)
            except Exception:  # a catalog restarting or a full disk: the next poll tries again
                log.warning("search index could not follow the catalog's change log", exc_info=True)
                if cat is not None:
                    cat.close()
                cat = None
        if cat is not None:
            cat.close()


def catch_up(home: Home, cat: Catalog) -> bool:
    """Apply what was logged after this index's position, if anything; True when there was something."""
    if cat.log_head() == position.read(home.index):  # ahead of the head: a restored catalog, sync rebuilds
        return False
    sync_if_possible(home, cat)
    return True
