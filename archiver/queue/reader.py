"""CeleryReader: the PageReader that sends files to `dibao worker`s and hands back their pages in the
order they were submitted, so routing and filing (in the ingest process) see exactly what OcrPool gives."""

from __future__ import annotations

import base64
import logging
from collections import OrderedDict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver import pages
from archiver.ocr_pool import OCR_KINDS, PageReader, take_planned

from . import wire
from .config import check, shown_url

log = logging.getLogger("dibao.ocr")
WAIT_NOTE_S = 60  # how often a batch waiting on workers says so in the log


@dataclass(frozen=True)
class QueueConfig:
    """The `reader()` source for ingest, watch and serve when pages are read on the queue."""

    broker: str
    files: str = "path"  # "path": workers open the same path (shared storage); "bytes": sent inside the task
    visibility_timeout: int = 3600
    window: int = 0  # files sent ahead of the one being filed; 0: 512 by path, 64 as bytes (Redis memory)

    def check(self) -> None:
        check(self.broker)

    def reader(self) -> PageReader:
        return CeleryReader(self)


class CeleryReader:
    """Up to `window` files on the queue ahead of the one being filed; results taken in input order."""

    def __init__(self, config: QueueConfig) -> None:
        config.check()  # before Celery is imported: a machine without the cluster extra gets the clerk's message
        from .tasks import READ, REREAD, make_app

        self.config, self._read_task, self._reread_task = config, READ, REREAD
        self.window = config.window or (64 if config.files == "bytes" else 512)
        self.read_seconds = 0.0  # the workers' own time reading the files answered (bench/cluster.py)
        self.app = make_app(config.broker, config.visibility_timeout)
        self._queue: deque[tuple[str, str]] = deque()
        self._sent: OrderedDict[tuple[str, str], Any] = OrderedDict()
        log.info("reading pages on the queue %s (files by %s)", shown_url(config.broker), config.files)

    def _data(self, path: str) -> str | None:
        return base64.b64encode(Path(path).read_bytes()).decode("ascii") if self.config.files == "bytes" else None

    def _send(self, key: tuple[str, str]) -> Any:
        return self.app.send_task(self._read_task, args=[*key, self._data(key[0])])

    def submit(self, jobs: list[tuple[Path, str]]) -> None:
        self._queue.extend((str(p), k) for p, k in jobs if k in OCR_KINDS)
        self._fill()

    def _fill(self) -> None:
        while self._queue and len(self._sent) < self.window:
            key = self._queue.popleft()
            if key not in self._sent:
                self._sent[key] = self._send(key)

    def read(self, path: Path, kind: str) -> list[pages.Page]:
        if kind not in OCR_KINDS:  # Word files: no OCR, read here as the local pool does
            return pages.read(path, kind)
        key = (str(path), kind)
        if key not in self._sent:
            take_planned(self._queue, key)
            self._sent[key] = self._send(key)
        for earlier in list(self._sent):
            if earlier == key:
                break
            self._sent.pop(earlier).forget()  # read by a worker for nothing; its answer is dropped
        answer = self._wait(self._sent.pop(key))
        self._fill()
        if not answer["ok"]:
            raise pages.Unreadable(str(answer["reason"]))
        self.read_seconds += float(answer.get("seconds", 0.0))
        return [wire.from_json(p) for p in answer["pages"]]

    def reread(self, path: Path, kind: str, number: int) -> str:
        sent = self.app.send_task(self._reread_task, args=[str(path), kind, number, self._data(str(path))])
        return str(self._wait(sent))

    def _wait(self, sent: Any) -> Any:
        from celery.exceptions import TimeoutError as NotYet

        waited = 0
        while True:
            try:
                answer = sent.get(timeout=WAIT_NOTE_S, disable_sync_subtasks=False)
                sent.forget()
                return answer
            except NotYet:
                waited += WAIT_NOTE_S
                log.warning("no OCR worker has answered for %d s: is `dibao worker` running on %s?", waited,
                            shown_url(self.config.broker))

    def close(self) -> None:
        for sent in self._sent.values():
            sent.forget()
        self._sent.clear()
        self._queue.clear()
