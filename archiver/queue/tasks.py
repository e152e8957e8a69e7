"""The Celery app and the two tasks a `dibao worker` runs: read one file's pages, reread one page.

Late acknowledgement with reject-on-worker-lost: a task is taken off the queue only once its answer is
stored, so a worker process killed mid-file (out of memory, a crash in a native library, a machine switched
off) has its task delivered again — at once when only the process died, after the visibility timeout when
the whole worker did. Each start of a task is counted in Redis; a file that has killed its worker twice is
answered with the local pool's reason (WORKER_CRASHED) instead of being read a third time, and the ingest
quarantines it. Never retried for ever.
"""

from __future__ import annotations

import base64
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from celery import Celery

from archiver.ocr_pool import WORKER_CRASHED, read_job, reread_job

from . import wire

READ, REREAD, QUEUE = "dibao.read_pages", "dibao.reread_page", "dibao.pages"
MAX_STARTS = 2  # a file whose reading has started twice without an answer is poisoned
_STARTS_KEY = "dibao:starts:"
# Test-only: a worker started with this set kills its own process on a file of that name (the poisoned file
# of tests/archiver/test_queue.py). Never set in production: the systemd unit and the docs do not know it.
TEST_KILL_ON = "DIBAO_TEST_ONLY_KILL_ON"


def make_app(broker: str, visibility_timeout: int = 3600) -> Celery:
    """One app for both sides: the ingest sends to it, `dibao worker` consumes it (the same options)."""
    app = Celery("dibao", broker=broker, backend=broker, set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=QUEUE, result_expires=max(2 * visibility_timeout, 3600),
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        # a delivered task not acknowledged within visibility_timeout goes back on the queue; looked for
        # every interval seconds (kombu's default, 10 s × a throttle of 10, would wait 100 s more)
        broker_transport_options={"visibility_timeout": visibility_timeout, "unacked_restore_throttle": 1,
                                  "unacked_restore_interval": max(1, min(10, visibility_timeout // 4))},
    )
    app.task(name=READ, bind=True)(_read_pages)
    app.task(name=REREAD)(_reread_page)
    return app


def _read_pages(task: Any, path: str, kind: str, data: str | None) -> dict[str, Any]:
    """{"ok": true, "pages": [...]} or {"ok": false, "reason": a clerk's reason}: the OcrPool's answer."""
    client = task.app.backend.client
    key = _STARTS_KEY + str(task.request.id)
    starts = int(client.incr(key))
    client.expire(key, 7 * 86400)
    if starts > MAX_STARTS:
        client.delete(key)
        return {"ok": False, "reason": WORKER_CRASHED}
    start = time.perf_counter()
    with _local(path, data) as local:
        _test_kill(path)
        ok, payload = read_job(local, kind)
    client.delete(key)
    if not ok:
        return {"ok": False, "reason": str(payload)}
    assert isinstance(payload, list)  # seconds: the reading alone, so the queue's own cost can be told apart
    return {"ok": True, "pages": [wire.to_json(p) for p in payload], "seconds": time.perf_counter() - start}


def _reread_page(path: str, kind: str, number: int, data: str | None) -> str:
    with _local(path, data) as local:
        return reread_job(local, kind, number)


@contextmanager
def _local(path: str, data: str | None) -> Iterator[str]:
    """The file as a path on this machine: the shared path itself, or the task's bytes in a private temp file."""
    if data is None:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="dibao-ocr-") as tmp:
        local = Path(tmp) / ("file" + Path(path).suffix.lower()[:10])
        local.write_bytes(base64.b64decode(data))
        yield str(local)


def _test_kill(path: str) -> None:
    name = os.environ.get(TEST_KILL_ON)
    if name and Path(path).name == name:
        os.kill(os.getpid(), signal.SIGKILL)
