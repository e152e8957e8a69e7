from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIBAO = [sys.executable, "-m", "dibao.cli"]


class Runner:
    """Runs the real CLI in a subprocess against one home."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        r = subprocess.run([*DIBAO, "--home", str(self.home), *args], capture_output=True, text=True, env=env,
                           cwd=ROOT, timeout=900)
        if check and r.returncode != 0:
            raise AssertionError(f"dibao {' '.join(args)} failed rc={r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
        return r

    def json(self, *args: str) -> dict:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def dibao(tmp_path: Path) -> Runner:
    run = Runner(tmp_path / "home")
    run("init")
    return run
