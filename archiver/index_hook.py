"""The search index follows the catalog through one after-commit hook.

A write marks the households it changed (`Catalog.mark_dirty`, inside its own transaction); `follow`
registers the hook that, once that transaction has committed, drains the queue into the index
(archiver.index.sync: one writer process at a time, the rest stays queued for the holder). An ingest holds
the hook until its batch ends (`Catalog.hooks_held`), so a thousand files make one drain, not a thousand.
The CLI and the web register it on the catalog they open; nothing else syncs after a write (`dibao reindex`
and the catch-up before a search drain what other processes left queued).

This is where a queue worker or a second index will hang later (issue #28): a hook of its own beside this
one, and no write site changes. Kept outside archiver/index so that registering costs no import of the
analysers (jieba, pypinyin): those load when the hook first fires.
"""

from __future__ import annotations

from archiver.catalog import Catalog
from archiver.home import Home


def follow(home: Home, cat: Catalog, reporter: object = None) -> Catalog:
    """Keep `home`'s search index up to `cat` after every commit that marked households; returns `cat`.
    A full or read-only disk leaves the updates queued in the catalog (the next drain applies them), it
    never turns a committed write into an error. `reporter`: progress while a large batch is indexed."""

    def sync_index(c: Catalog) -> None:
        from archiver.index import sync_if_possible

        sync_if_possible(home, c, reporter)

    cat.after_commit("index", sync_index)
    return cat
