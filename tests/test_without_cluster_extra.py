"""The embedded default runs without the `cluster` extra: no module a single-server office imports needs
psycopg, Celery or redis-py (an office's install has none of them; install-server.sh proved it the hard way)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.unit

# the modules that are the cluster: imported only where a catalog is on a server or a broker is configured
CLUSTER_ONLY = {"archiver.catalog.postgres", "archiver.queue.tasks"}

PROBE = """
import importlib, pathlib, sys
for blocked in ("psycopg", "celery", "redis"):
    sys.modules[blocked] = None  # `import psycopg` now raises ImportError, as on an install without the extra
skip = set(sys.argv[1].split(","))
failed = []
for package in ("archiver", "generators", "dibao"):
    for path in sorted(pathlib.Path(package).rglob("*.py")):
        name = ".".join(path.with_suffix("").parts).removesuffix(".__init__")
        if name in skip or name.endswith("__main__"):
            continue
        try:
            importlib.import_module(name)
        except ImportError as exc:
            failed.append(f"{name}: {exc}")
print("\\n".join(failed))
"""


def test_every_module_of_the_embedded_default_imports_without_the_cluster_extra() -> None:
    r = subprocess.run([sys.executable, "-c", PROBE, ",".join(sorted(CLUSTER_ONLY))], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip() == "", "modules that need the cluster extra at import:\n" + r.stdout
