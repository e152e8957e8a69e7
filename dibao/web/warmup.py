"""Fast from the first click (issue 25): at server start the search index, the Chinese word dictionary, the
pinyin tables and the page templates are opened once, so the first search after a restart answers like
the rest instead of paying about two seconds of loading while staff wait with no sign of life."""

from __future__ import annotations

import logging
import time

from archiver.catalog import Catalog
from archiver.home import Home

from .templating import TEMPLATES

log = logging.getLogger("dibao.web")


def warm(home: Home) -> float:
    """Open what the first requests need; returns the seconds it took. A failure is logged, never fatal:
    the search then loads on first use as before."""
    t = time.perf_counter()
    for name in TEMPLATES.env.list_templates(extensions=["html"]):
        TEMPLATES.env.get_template(name)
    cat = Catalog.of(home)
    try:
        from archiver.index import open_index, sync_if_possible

        sync_if_possible(home, cat)
        idx = open_index(home)
        found = idx.search(cat, "张", limit=1).results  # a surname most archives hold
        real = [found[0].household.head_name] if found and found[0].household.head_name else []
        # jieba, pypinyin, the index reader and each query kind — and a name with hits, so the first search
        # also pays nothing for reading a household's row and laying out a result
        for q in ("张秀英", "zhang xiu ying", "1234", *real):
            idx.search(cat, q, limit=30)
    except Exception:  # a broken index is rebuilt by the first search or `check`; the server still starts
        log.warning("search warm-up at start failed; the first search will load it", exc_info=True)
    finally:
        cat.close()
    took = time.perf_counter() - t
    log.info("warm-up at start: %.2f s", took)
    return took


def start(home: Home, wait: float = 120.0) -> None:
    """Warm up in a thread and wait for it up to `wait` seconds: the server answers only once the index is
    open (a few seconds; longer on a machine busy with OCR), so the first search after a restart is as quick
    as the rest; a warm-up that hangs (a damaged index on a slow disk) still does not keep the server down."""
    import threading

    t = threading.Thread(target=warm, args=(home,), name="dibao-warmup", daemon=True)
    t.start()
    t.join(wait)


def build_routes(app) -> int:  # type: ignore[no-untyped-def]
    """FastAPI (0.165) builds an included router's routes — a pydantic model per parameter — on the first
    request that reaches the router: 150–600 ms on each page's first visit after a start. Build them all now.
    Duck-typed, since the lazy router is FastAPI's own detail: on a version without it this does nothing."""
    built = 0
    for route in app.router.routes:
        candidates = getattr(route, "effective_candidates", None)
        if callable(candidates):
            built += len(candidates())
    return built


async def first_request(app, path: str = "/login") -> None:  # type: ignore[no-untyped-def]
    """One request through the whole stack (middleware, a sync route in the worker threads, a template) before
    the server takes real ones: the first real request then costs what the next ones do."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": [],
             "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0)}
    try:
        await app(scope, receive, send)
    except Exception:
        log.warning("warm-up request failed", exc_info=True)
