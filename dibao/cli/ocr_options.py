"""`--workers`, `--ocr-threads` and `--broker`, shared by ingest, watch and serve (no command of its own):
pages are read by a local pool of OCR processes, or by `dibao worker`s on a Celery queue."""

from __future__ import annotations

import argparse

from archiver.home import Home
from archiver.ocr_pool import OcrConfig, Readers

from ..errors import UsageError


def add_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--workers", type=int, metavar="N",
                    help="OCR进程数，默认按CPU核数和内存自动选择 / OCR worker processes (default: one per core, "
                         "as memory allows)")
    sp.add_argument("--ocr-threads", type=int, metavar="T",
                    help="每个OCR进程的线程数，默认1 / onnxruntime threads per OCR worker (default 1)")
    sp.add_argument("--broker", metavar="URL",
                    help="由任务队列上的 dibao worker 读取扫描页，如 redis://HOST:6379/0（默认取 policy.toml 的 "
                         "[cluster] broker；都未设置则在本机读取）/ read pages on Celery workers over this Redis")


def config(args: argparse.Namespace, home: Home | None = None) -> Readers:
    """The local pool's settings, or the queue's (checked now: an unreachable broker files nothing)."""
    workers, threads = getattr(args, "workers", None), getattr(args, "ocr_threads", None)
    if workers is not None and workers < 1:
        raise UsageError("--workers 至少为 1 / --workers must be at least 1")
    if threads is not None and threads < 0:
        raise UsageError("--ocr-threads 不能为负数 / --ocr-threads must not be negative")
    cluster = None
    if home is not None:
        from archiver.policy import load

        cluster = load(home.root).cluster
    broker = getattr(args, "broker", None) or (cluster.broker if cluster else "")
    if not broker:
        return OcrConfig.auto(workers, threads)
    from archiver.queue import QueueConfig

    queue = QueueConfig(broker, cluster.files if cluster else "path", cluster.visibility_timeout if cluster else 3600)
    queue.check()
    return queue
