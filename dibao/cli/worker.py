"""`dibao worker`: an OCR machine's role in a cluster — a Celery worker reading pages for the ingest,
watch and serve processes that send them (`--broker`, or [cluster] broker in policy.toml). It needs no
home: it writes nothing, and reads the files by their shared path or from the task itself."""

from __future__ import annotations

import argparse
import logging
import os
import socket

from ..errors import UsageError
from .context import Subcommands, _ScrubFilter, command


def build(sub: Subcommands) -> None:
    sp = command(sub, "worker", cmd_worker, "OCR工作节点：从任务队列读取扫描页（多机部署）/ run an OCR worker on the queue")
    sp.add_argument("--broker", metavar="URL", default=os.environ.get("DIBAO_BROKER"),
                    help="任务队列地址，如 redis://HOST:6379/0（默认取环境变量 DIBAO_BROKER，含密码时请用它）/ "
                         "the Redis broker (default: $DIBAO_BROKER, which keeps a password off the command line)")
    sp.add_argument("--concurrency", type=int, default=0, metavar="N",
                    help="同时读取的进程数，默认每核一个 / worker processes (default: one per core)")
    sp.add_argument("--pool", choices=("prefork", "solo"), default="prefork",
                    help="prefork：多进程（默认）；solo：单进程 / Celery pool")
    sp.add_argument("--ocr-threads", type=int, default=1, metavar="T",
                    help="每个进程的OCR线程数，默认1 / onnxruntime threads per process (default 1)")
    sp.add_argument("--visibility-timeout", type=int, default=3600, metavar="S",
                    help="任务多少秒未完成即视为节点失联、重新分发（须长于最大文件的读取时间）/ "
                         "seconds before a lost worker's task is delivered again")


def cmd_worker(args: argparse.Namespace) -> int:
    from archiver.ocr_pool import one_thread_engine
    from archiver.queue import QueueConfig

    if not args.broker:
        raise UsageError("请用 --broker 或环境变量 DIBAO_BROKER 指定任务队列，如 redis://HOST:6379/0 / give the broker")
    if args.concurrency < 0 or args.ocr_threads < 0 or args.visibility_timeout < 10:
        raise UsageError("--concurrency、--ocr-threads 不能为负数，--visibility-timeout 至少 10 秒 / bad number")
    QueueConfig(args.broker, visibility_timeout=args.visibility_timeout).check()
    from celery.signals import after_setup_logger, after_setup_task_logger, worker_process_init

    from archiver.queue.tasks import QUEUE, make_app

    def scrubbed(logger: logging.Logger, **_: object) -> None:
        """Celery's own log lines (a failed task's file name, an exception's text) masked like dibao's: no full
        ID number or account reaches the journal (个人信息保护法)."""
        for handler in logger.handlers:
            handler.addFilter(_ScrubFilter())

    after_setup_logger.connect(scrubbed, weak=False)
    after_setup_task_logger.connect(scrubbed, weak=False)
    threads = args.ocr_threads
    worker_process_init.connect(lambda **_: one_thread_engine(threads), weak=False)
    if args.pool == "solo":
        one_thread_engine(threads)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    n = args.concurrency or max(cores // max(threads, 1), 1)
    app = make_app(args.broker, args.visibility_timeout)
    # WARNING: Celery's INFO lines carry each task's answer, and page texts hold names and ID numbers
    app.worker_main(["worker", f"--concurrency={n}", f"--pool={args.pool}", "--loglevel=WARNING", "-Q", QUEUE,
                     "--without-gossip", "--without-mingle", f"--hostname=dibao-ocr-{os.getpid()}@{socket.gethostname()}"])
    return 0
