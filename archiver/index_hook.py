"""The search index follows the catalog through one after-commit hook.

A write logs the households it changed (`Catalog.mark_dirty`, inside its own transaction); `follow`
registers the hook that, once that transaction has committed, applies the change log after this index's
position (archiver.index.sync: one writer process at a time, the holder looks again when it is done). An
ingest holds the hook until its batch ends (`Catalog.hooks_held`), so a thousand files make one catch-up.
The CLI and the web register it on the catalog they open; nothing else syncs after a write (`dibao reindex`,
the catch-up before a search and a web server's follower thread apply what other processes logged).

Other web servers' indexes follow the same log from their own positions (archiver/index/follower.py).
Kept outside archiver/index so that registering costs no import of the analysers (jieba, pypinyin): those
load when the hook first fires.
"""

from __future__ import annotations

from archiver.catalog import Catalog
from archiver.home import Home


def follow(home: Home, cat: Catalog, reporter: object = None) -> Catalog:
    """Keep `home`'s search index up to `cat` after every commit that marked households; returns `cat`.
    A full or read-only disk leaves the updates in the catalog's log (the next catch-up applies them), it
    never turns a committed write into an error. `reporter`: progress while a large batch is indexed."""

    def sync_index(c: Catalog) -> None:
        from archiver.index import sync_if_possible

        sync_if_possible(home, c, reporter)

    cat.after_commit("index", sync_index)
    return cat
