"""`--workers` and `--ocr-threads`, shared by ingest, watch and serve (no command of its own)."""

from __future__ import annotations

import argparse

from archiver.ocr_pool import OcrConfig

from ..errors import UsageError


def add_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--workers", type=int, metavar="N",
                    help="OCR进程数，默认按CPU核数和内存自动选择 / OCR worker processes (default: one per core, "
                         "as memory allows)")
    sp.add_argument("--ocr-threads", type=int, metavar="T",
                    help="每个OCR进程的线程数，默认1 / onnxruntime threads per OCR worker (default 1)")


def config(args: argparse.Namespace) -> OcrConfig:
    workers, threads = getattr(args, "workers", None), getattr(args, "ocr_threads", None)
    if workers is not None and workers < 1:
        raise UsageError("--workers 至少为 1 / --workers must be at least 1")
    if threads is not None and threads < 0:
        raise UsageError("--ocr-threads 不能为负数 / --ocr-threads must not be negative")
    return OcrConfig.auto(workers, threads)
