"""`dibao cert`: the internal CA and the server certificate a LAN `serve` needs, proven with a real TLS
handshake against `dibao serve`, the way a staff PC that trusts ca.crt would connect."""

from __future__ import annotations

import os
import socket
import ssl
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, Runner

pytestmark = pytest.mark.cli


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, cafile: Path, host: str) -> int:
    ctx = ssl.create_default_context(cafile=str(cafile))
    req = urllib.request.Request(url, headers={"Host": host})
    with urllib.request.urlopen(req, context=ctx, timeout=5) as r:
        return int(r.status)


def test_internal_ca_issues_a_certificate_browsers_accept_and_its_name_constraints_hold(dibao: Runner,
                                                                                       tmp_path: Path) -> None:
    ca = tmp_path / "ca"
    r = dibao("cert", "ca", str(ca), "--org", "测试县民政局", "--permit", "localhost", "--permit", "127.0.0.0/8")
    assert "ca.crt" in r.stdout
    assert stat.S_IMODE((ca / "ca.key").stat().st_mode) == 0o600
    again = dibao("cert", "ca", str(ca), check=False)  # never overwrite: every PC would have to re-import
    assert again.returncode == 2 and "已存在" in again.stderr
    tls = tmp_path / "tls"
    r = dibao("cert", "issue", "--ca", str(ca), "--name", "localhost", "--name", "127.0.0.1", "-o", str(tls))
    assert "有效期至" in r.stdout
    assert stat.S_IMODE((tls / "server.key").stat().st_mode) == 0o600

    port = _port()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    server = subprocess.Popen([sys.executable, "-m", "dibao.cli", "--home", str(dibao.home), "serve", "--port",
                               str(port), "--no-watch", "--certfile", str(tls / "server.crt"), "--keyfile",
                               str(tls / "server.key")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180  # serve listens once search is warm: longer when busy
        while time.monotonic() < deadline and server.poll() is None:
            try:
                assert _get(f"https://localhost:{port}/login", ca / "ca.crt", "localhost") == 200
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            raise AssertionError("serve with TLS did not answer")
        assert _get(f"https://127.0.0.1:{port}/login", ca / "ca.crt", "127.0.0.1") == 200
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):  # a PC without ca.crt
            urllib.request.urlopen(f"https://localhost:{port}/login", context=ssl.create_default_context(), timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=20)

    # a certificate for a name the CA may not sign for is refused by the client even though the CA signed it
    evil = tmp_path / "evil"
    dibao("cert", "issue", "--ca", str(ca), "--name", "bank.example.com", "-o", str(evil))
    ctx = ssl.create_default_context(cafile=str(ca / "ca.crt"))
    ctx.check_hostname = False
    store = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    store.load_cert_chain(evil / "server.crt", evil / "server.key")
    with socket.socket() as ls:
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        p = ls.getsockname()[1]
        import threading

        def accept() -> None:
            conn, _ = ls.accept()
            try:
                store.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()

        t = threading.Thread(target=accept)
        t.start()
        with socket.create_connection(("127.0.0.1", p)) as c, pytest.raises(ssl.SSLCertVerificationError):
            ctx.wrap_socket(c, server_hostname="bank.example.com")
        t.join(5)


def test_cert_issue_needs_a_ca(dibao: Runner, tmp_path: Path) -> None:
    r = dibao("cert", "issue", "--ca", str(tmp_path / "none"), "--name", "x", "-o", str(tmp_path / "o"), check=False)
    assert r.returncode == 2 and "dibao cert ca" in r.stderr
