"""A real `dibao serve` on a free local port, and Debian's chromium for Playwright — shared by the
browser tests and bench/web_search.py so both drive the app the same way."""

from __future__ import annotations

import os
import re
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
        deadline = time.monotonic() + 180  # the server listens once search is warm: longer on a loaded machine
        while time.monotonic() < deadline and server.poll() is None:
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


# Staff see office words only (issue 25): what a rendered page may not show. Latin words of three letters or
# more are allowed only from this list (file formats staff name themselves), plus the OS user a CLI change names.
OFFICE_LATIN = {"PDF", "Word", "Excel", "xlsx", "xls", "csv", "docx", "pdf", "jpg", "JPG", "png", "PNG", "TIFF", "OCR"}
_FILE_NAME = re.compile(r"[\w\-.（）()]+\.(?:jpe?g|png|pdf|tiff?|xlsx?|csv|docx?|heic|zip)\b", re.I)  # data, not words


def office_words_problems(text: str, allowed: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Command lines, config file or keys, English words, ISO `T` timestamps found in a page's visible text."""
    import getpass

    text = _FILE_NAME.sub(" ", text)
    bad = [w for w in ("dibao ", "policy.toml", "--") if w in text]
    bad += re.findall(r"\d{4}-\d{2}-\d{2}T\d{2}", text)
    bad += sorted(set(re.findall(r"[A-Za-z]{3,}", text)) - OFFICE_LATIN - {getpass.getuser()} - set(allowed))
    return bad


def record_pages(page, into: list) -> None:  # type: ignore[no-untyped-def]
    """Keep (url, visible text) of every page `page` loads, for office_words_problems."""
    page.on("load", lambda p: into.append((p.url, p.inner_text("body"))))
