"""A real `dibao serve` on a free local port, and Debian's chromium for Playwright — shared by the
browser tests and bench/web_search.py so both drive the app the same way."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-extensions", "--no-first-run"]


@contextmanager
def running(home: Path, *options: str) -> Iterator[str]:
    """Start `dibao --home HOME serve` with `options`, wait until it answers, yield its URL, stop it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    server = subprocess.Popen([sys.executable, "-m", "dibao.cli", "--home", str(home), "serve", "--port", str(port),
                               *options], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            server.kill()
            raise AssertionError(server.stdout.read().decode() if server.stdout else "server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def launch(playwright):  # type: ignore[no-untyped-def]
    """Debian's chromium (never a browser Playwright downloads)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
