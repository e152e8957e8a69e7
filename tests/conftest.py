"""Shared fixtures and the test tiers.

`dibao` (a Runner on a fresh home) calls the real command line. By default it runs in this process through
`dibao.cli.main(argv)` — the same parser, commands and exit codes, without starting an interpreter per call
(the OCR engine, jieba and the parser load once per test session). Tests that need a real process (kill -9,
serve) start one themselves or use `Runner(home, subprocess=True)`; DIBAO_TEST_SUBPROCESS=1 sends every
call through a fresh interpreter, as a fidelity check.

Tiers are pytest markers each test module declares (`pytestmark`), a test adding `ocr` or `slow` where it
differs from its module: unit (library), cli (drives the command line), ocr (reads scans back through
OCR), browser (Playwright), acceptance (the sample corpus), slow (minutes, kill loops). Nothing is guessed
at collection; tests/test_tiers.py fails for a module that declares none. `make check` runs unit and cli
without ocr, browser, acceptance or slow; `make test` runs everything.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import signal
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIBAO = [sys.executable, "-m", "dibao.cli"]
IN_PROCESS = os.environ.get("DIBAO_TEST_SUBPROCESS", "") not in ("1", "true", "yes")
# DIBAO_TEST_POSTGRES=1: every home a test makes with `init` keeps its catalog in a new database on a throw-away
# PostgreSQL server, so one suite runs on both dialects (`make test` runs the catalog, resilience and web
# security suites so)
POSTGRES = os.environ.get("DIBAO_TEST_POSTGRES", "") in ("1", "true", "yes")


class Runner:
    """Runs the real CLI against one home: in this process (default) or in a subprocess."""

    def __init__(self, home: Path, subprocess: bool = False) -> None:
        self.home = home
        self.in_process = IN_PROCESS and not subprocess

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        if POSTGRES and args[:1] == ("init",) and "--database" not in args and not (self.home / "database.toml").exists():
            args = (*args, "--database", pg_server().new_database())  # the same test, the catalog on PostgreSQL
        argv = ["--home", str(self.home), *args]
        r = _in_process(argv) if self.in_process else _subprocess(argv)
        if check and r.returncode != 0:
            log = self.home / "logs" / "dibao.log"
            tail = log.read_text(encoding="utf-8")[-3000:] if log.exists() else ""
            raise AssertionError(f"dibao {' '.join(args)} failed rc={r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}\n"
                                 f"log:\n{tail}")
        return r

    def json(self, *args: str) -> dict:
        return json.loads(self(*args, "--json").stdout)


def _subprocess(argv: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*DIBAO, *argv], capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)


def _in_process(argv: list[str]) -> subprocess.CompletedProcess:
    """main(argv) with stdout/stderr captured, exit codes as a process would give them (an uncaught
    exception: 1 and its traceback on stderr), and the process-wide state a command sets (log handlers,
    signal handlers) put back afterwards so the next call starts as a new process would."""
    from dibao.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    logger = logging.getLogger("dibao")
    handlers, level = list(logger.handlers), logger.level
    signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = main(argv)
            except SystemExit as exc:
                rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception:
                traceback.print_exc()
                rc = 1
    finally:
        for h in logger.handlers[:]:
            if h not in handlers:
                logger.removeHandler(h)
                h.close()
        logger.setLevel(level)
        for s, handler in signals.items():
            signal.signal(s, handler)
    return subprocess.CompletedProcess(["dibao", *argv], rc, _text(out), _text(err))


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8", errors="replace")  # type: ignore[attr-defined]


@pytest.fixture
def dibao(tmp_path: Path) -> Runner:
    run = Runner(tmp_path / "home")
    run("init")
    return run


_PG: list = []  # the session's throw-away PostgreSQL server, started on first use


def pg_server():  # type: ignore[no-untyped-def]
    """A throw-away PostgreSQL cluster for this test session (tests/pgserver.py), stopped when it ends."""
    if not _PG:
        from tests.pgserver import Server

        _PG.append(Server())
    return _PG[0]


def pytest_sessionfinish(session: pytest.Session) -> None:
    while _PG:
        _PG.pop().stop()
