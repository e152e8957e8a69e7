"""The service install: units that systemd accepts, and scripts/install-server.sh run twice on this machine.

What cannot run here, exactly: in a container systemd is not PID 1, so `systemctl daemon-reload / enable /
start` are impossible; the script detects it (/run/systemd/system absent), says so and installs everything
else. This test then does by hand what the units would do — the unit's ExecStart as the `dibao` user with the
installed certificate, and the backup unit's command — so everything but systemd itself is exercised.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.unit

UNITS = ["dibao.service", "dibao-watch.service", "dibao-backup.service", "dibao-backup.timer", "dibao-worker@.service",
         "dibao-web@.service"]
ANALYZE = shutil.which("systemd-analyze")
SYSTEMD_RUNNING = Path("/run/systemd/system").is_dir()


def _verify(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ANALYZE or "systemd-analyze", "verify", "--man=no", *(str(folder / u) for u in UNITS)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not ANALYZE, reason="systemd-analyze absent (apt-get install systemd; install-debian.sh --test)")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units as shipped; /opt/dibao/bin/dibao is pointed at this venv's dibao, since verify insists that
    the program exists (the installed units are verified unchanged in the slow test below)."""
    dibao = Path(os.environ.get("VIRTUAL_ENV", str(Path(__import__("sys").executable).parent.parent))) / "bin" / "dibao"
    if not dibao.exists():
        pytest.skip(f"no dibao executable at {dibao}")
    for u in UNITS:
        text = (ROOT / "deploy" / "systemd" / u).read_text()
        (tmp_path / u).write_text(text.replace("/opt/dibao/bin/dibao", str(dibao)))
    r = _verify(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr.strip() == "", r.stderr
    service = (ROOT / "deploy" / "systemd" / "dibao.service").read_text()
    for line in ("User=dibao", "Restart=on-failure", "ReadWritePaths=/var/lib/dibao", "StandardOutput=journal"):
        assert line in service
    assert "OnCalendar=" in (ROOT / "deploy" / "systemd" / "dibao-backup.timer").read_text()
    assert "--keep ${DIBAO_BACKUP_KEEP}" in (ROOT / "deploy" / "systemd" / "dibao-backup.service").read_text()


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="install-server.sh installs system-wide and needs root")
def test_install_server_twice_then_the_installed_service_serves_https_and_backs_up(tmp_path: Path) -> None:
    cmd = ["bash", str(ROOT / "scripts" / "install-server.sh"), "--name", "localhost", "--name", "127.0.0.1"]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    ca_before = Path("/etc/dibao/ca/ca.crt").read_bytes()
    crt_before = Path("/etc/dibao/tls/server.crt").read_bytes()
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "已存在档案库" in second.stdout  # the home is kept, not re-created
    assert "升级前完整备份" in second.stdout  # an install over an existing one backs it up first
    assert Path("/etc/dibao/ca/ca.crt").read_bytes() == ca_before  # PCs never have to re-import the CA
    assert Path("/etc/dibao/tls/server.crt").read_bytes() == crt_before  # still valid: not re-issued
    if not SYSTEMD_RUNNING:
        assert "systemd 未运行" in second.stdout

    user = subprocess.run(["getent", "passwd", "dibao"], capture_output=True, text=True).stdout.strip().split(":")
    assert user[5] == "/var/lib/dibao" and user[6].endswith("nologin")
    st = Path("/var/lib/dibao/catalog.sqlite").stat()
    assert st.st_uid == int(user[2])
    assert oct(Path("/etc/dibao/ca/ca.key").stat().st_mode & 0o777) == "0o600"
    for u in UNITS:
        assert (Path("/etc/systemd/system") / u).read_text() == (ROOT / "deploy" / "systemd" / u).read_text()
    if ANALYZE:
        r = _verify(Path("/etc/systemd/system"))
        assert r.returncode == 0, r.stdout + r.stderr

    # what dibao.service's ExecStart does, as the dibao user with the installed certificate
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["runuser", "-u", "dibao", "--", "/opt/dibao/bin/dibao", "--home", "/var/lib/dibao",
                               "serve", "--host", "127.0.0.1", "--port", str(port), "--certfile",
                               "/etc/dibao/tls/server.crt", "--keyfile", "/etc/dibao/tls/server.key"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd="/")
    try:
        ctx = ssl.create_default_context(cafile="/etc/dibao/tls/ca.crt")  # what a staff PC trusts
        deadline = time.monotonic() + 180  # serve listens once search is warm: longer when busy
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"https://127.0.0.1:{port}/login", context=ctx, timeout=5) as resp:
                    assert resp.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            server.kill()
            raise AssertionError(server.stdout.read().decode() if server.stdout else "no answer")
    finally:
        server.terminate()
        server.wait(timeout=30)

    # what dibao-backup.service does
    r = subprocess.run(["runuser", "-u", "dibao", "--", "/opt/dibao/bin/dibao", "--home", "/var/lib/dibao", "backup",
                        "/var/backups/dibao", "--keep", "3"], capture_output=True, text=True, cwd="/", timeout=600)
    assert r.returncode == 0 and "已校验" in r.stdout, r.stdout + r.stderr
