"""A throw-away PostgreSQL server for the tests: Debian's binaries, a cluster in a temporary folder owned by
an unprivileged user, loopback only, no fsync; started by the tests, stopped after them.

Why not a shared server: CI runs on a clean machine where nothing is running, and tests must not depend on
(or disturb) a database someone else keeps.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def binaries() -> Path | None:
    """Debian's PostgreSQL server binaries (postgresql-NN), newest first; None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]), reverse=True)
    return Path(found[0]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One cluster. `url(db)` addresses a database in it; `new_database()` makes a fresh one per test."""

    USER = "dibao_test"

    def __init__(self) -> None:
        bindir = binaries()
        if bindir is None:
            raise RuntimeError("PostgreSQL server binaries not installed (scripts/install-debian.sh --test)")
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="dibao-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._owner = "nobody" if os.geteuid() == 0 else None  # initdb refuses to run as root
        if self._owner:
            pw = pwd.getpwnam(self._owner)
            os.chown(self.folder, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", self.USER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                  "--no-sync")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder} "
                  "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                  "start")

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        kw: dict = {"user": self._owner} if self._owner else {}
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=self.folder, **kw)
        if r.returncode != 0:
            raise RuntimeError(f"{tool} failed: {r.stdout}\n{r.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
