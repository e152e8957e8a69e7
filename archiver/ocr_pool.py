"""Reading documents' pages ahead of filing, in a pool of OCR worker processes.

Why: one onnxruntime model threaded over many cores stops gaining long before 16 or 64 cores; several
processes with one or two threads each keep scaling. Only reading (render + OCR) runs in the workers; the
ingest process still routes, files and commits every file in input order, so the outcome of a batch is the
same for any number of workers, and a kill -9 leaves the catalog exactly as before (workers write nothing).

The interface is small on purpose — `submit` files in processing order, `read` their pages (blocking),
`reread` one page, `close` — so that a queue spread over machines can stand in for the local pool later
without touching routing or filing.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from archiver import ocr, pages

log = logging.getLogger("dibao.ocr")
OCR_KINDS = ("jpeg", "png", "tiff", "heic", "pdf")
# the quarantine reason for a file whose reading killed its worker twice (here, or on a queue's worker)
WORKER_CRASHED = "读取此文件时OCR进程异常退出（文件可能损坏或过大）/ the OCR worker crashed on this file"
WORKER_MEMORY_MB = 700  # peak resident memory of one worker with the PP-OCRv6 small models (docs/PERFORMANCE.md)


class PageReader(Protocol):
    def submit(self, jobs: list[tuple[Path, str]]) -> None: ...
    def read(self, path: Path, kind: str) -> list[pages.Page]: ...
    def reread(self, path: Path, kind: str, number: int) -> str: ...
    def close(self) -> None: ...


class Readers(Protocol):
    """What makes a PageReader: OcrConfig (this machine) or archiver.queue.QueueConfig (Celery workers)."""

    def reader(self) -> PageReader: ...


@dataclass(frozen=True)
class OcrConfig:
    """`workers` OCR processes with `threads` onnxruntime threads each; workers ≤ 1 reads in-process."""

    workers: int = 1
    threads: int = 0  # 0: onnxruntime's default (all cores)
    min_batch: int = 2  # fewer scans than this in a batch are read in-process: starting workers costs seconds

    @staticmethod
    def auto(workers: int | None = None, threads: int | None = None) -> OcrConfig:
        """Defaults from the machine: one-thread workers, one per core, no more than memory allows."""
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        t = threads if threads is not None else (1 if cores >= 2 else 0)
        if workers is not None:  # asked for: a pool whenever there are two scans to read
            return OcrConfig(max(workers, 1), max(t, 0))
        by_memory = max(_available_mb() // (WORKER_MEMORY_MB + 300), 1)
        workers = max(min(cores // max(t, 1), by_memory), 1)
        # chosen here: a small batch (a watcher's few files) is quicker read by the one warm in-process engine
        return OcrConfig(workers, max(t, 0), min_batch=4 * workers)

    def reader(self) -> PageReader:
        return Inline(self.threads) if self.workers <= 1 else OcrPool(self.workers, self.threads,
                                                                        min_batch=self.min_batch)


def take_planned(queue: deque[tuple[str, str]], key: tuple[str, str]) -> bool:
    """Take `key` off the planned queue, with every file planned before it (those were skipped: duplicates, bad
    sheets); False when it was never planned. The local pool and the queue's reader plan alike."""
    if key not in queue:
        return False
    while queue.popleft() != key:
        pass
    return True


def _available_mb() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 4096


class Inline:
    """Reads in the calling process (one engine, `threads` threads): the one-worker case."""

    def __init__(self, threads: int = 0) -> None:
        if threads:
            ocr.set_threads(threads)

    def submit(self, jobs: list[tuple[Path, str]]) -> None:
        pass

    def read(self, path: Path, kind: str) -> list[pages.Page]:
        return pages.read(path, kind)

    def reread(self, path: Path, kind: str, number: int) -> str:
        return pages.reread(path, kind, number)

    def close(self) -> None:
        pass


def _init_worker(threads: int, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the ingest process's to handle
    threading.Thread(target=_exit_with_parent, args=(parent,), name="dibao-ocr-orphan", daemon=True).start()
    one_thread_engine(threads)


def one_thread_engine(threads: int) -> None:
    """A worker process's engine: `threads` onnxruntime threads (1 when 0) and one OpenCV thread."""
    ocr.set_threads(threads or 1)
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover - opencv comes with rapidocr
        pass


def _exit_with_parent(parent: int) -> None:
    """A worker whose ingest process died (kill -9 included) stops at once: it holds the pool's queue open
    itself, so it would otherwise wait for work forever."""
    while os.getppid() == parent:  # `parent` comes from the pool: it may have died while this one started
        time.sleep(0.5)
    os._exit(0)


def read_job(path: str, kind: str) -> tuple[bool, list[pages.Page] | str]:
    try:
        return True, pages.read(Path(path), kind)
    except pages.Unreadable as exc:
        return False, str(exc)


def reread_job(path: str, kind: str, number: int) -> str:
    return pages.reread(Path(path), kind, number)


class OcrPool:
    """`workers` processes reading up to `window` files ahead of the one being filed."""

    def __init__(self, workers: int, threads: int = 1, window: int | None = None, min_batch: int = 2) -> None:
        self.workers, self.threads, self.min_batch = workers, threads, max(min_batch, 2)
        self.window = window or 2 * workers
        self._queue: deque[tuple[str, str]] = deque()
        self._futures: OrderedDict[tuple[str, str], Future] = OrderedDict()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            import multiprocessing

            # spawn: workers never inherit the ingest process's threads, locks or open catalog
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_init_worker, initargs=(self.threads, os.getpid()))
        return self._executor

    def submit(self, jobs: list[tuple[Path, str]]) -> None:
        """Files in the order they will be read; a batch smaller than min_batch is read in-process, no pool."""
        ocr_jobs = [(str(p), k) for p, k in jobs if k in OCR_KINDS]
        if self._executor is None and len(ocr_jobs) + len(self._queue) + len(self._futures) < self.min_batch:
            return
        self._queue.extend(ocr_jobs)
        self._fill()

    def _fill(self) -> None:
        while self._queue and len(self._futures) < self.window:
            key = self._queue.popleft()
            if key not in self._futures:
                self._futures[key] = self._pool().submit(read_job, *key)

    def read(self, path: Path, kind: str) -> list[pages.Page]:
        key = (str(path), kind)
        if key not in self._futures:
            if not take_planned(self._queue, key) and self._executor is None:  # not planned, no pool: read here
                return pages.read(path, kind)
            self._futures[key] = self._pool().submit(read_job, *key)
        for earlier in list(self._futures):
            if earlier == key:
                break
            self._futures.pop(earlier).cancel()
        ok, payload = self._result(key)
        self._fill()
        if not ok:
            raise pages.Unreadable(str(payload))
        assert isinstance(payload, list)
        return payload

    def _result(self, key: tuple[str, str]) -> tuple[bool, list[pages.Page] | str]:
        for attempt in (1, 2):
            try:
                return self._futures[key].result()  # type: ignore[no-any-return]
            except BrokenProcessPool:
                # a worker died (out of memory, a crash inside a native library): restart the pool, resubmit
                log.error("OCR worker died while reading %s (attempt %d); restarting the pool", Path(key[0]).name, attempt)
                self._restart()
        self._futures.pop(key, None)
        return False, WORKER_CRASHED

    def _restart(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        for k in list(self._futures):
            self._futures[k] = self._pool().submit(read_job, *k)

    def reread(self, path: Path, kind: str, number: int) -> str:
        if self._executor is None:
            return pages.reread(path, kind, number)
        return str(self._pool().submit(reread_job, str(path), kind, number).result())

    def close(self) -> None:
        """Stop the workers (their memory goes back); a later submit starts a new pool."""
        for f in self._futures.values():
            f.cancel()
        self._futures.clear()
        self._queue.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
