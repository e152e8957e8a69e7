"""The intranet install: `make wheelhouse` collects every runtime wheel; a fresh venv installs dibao from it
alone (pip --no-index, the network switched off where the kernel lets us) and does a day's work with it:
init, ingest, the year-end summary. Run from outside the checkout, so only the installed package is used —
which also proves `pip install .` (not editable) ships the templates, web assets and policy default."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _no_network() -> list[str]:
    """`unshare -n`: a network namespace with no interface but a down loopback — nothing can be fetched."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n"]
    return []  # pip --no-index with no find-links but ours still reaches nothing else


def test_wheelhouse_installs_offline_and_runs_init_ingest_summary(tmp_path: Path) -> None:
    wh = tmp_path / "wheelhouse"
    bin_dir = Path(sys.executable).parent
    r = subprocess.run(["make", "-o", ".venv/.runtime-stamp", "wheelhouse", f"WHEELHOUSE={wh}", f"BIN={bin_dir}"],
                       cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout + r.stderr
    wheels = {p.name.split("-")[0].lower() for p in wh.glob("*.whl")}
    assert {"dibao", "weasyprint", "fastapi", "tantivy", "openpyxl", "numpy"} <= wheels
    assert not wheels & {"pytest", "playwright", "ruff", "mypy", "hypothesis"}, "dev tools are not runtime"
    debs = (wh / "debian-packages.txt").read_text().split()
    assert "fonts-noto-cjk" in debs and "chromium" not in debs and "libreoffice-writer-nogui" not in debs
    dibao_wheel = next(wh.glob("dibao-*.whl"))
    names = zipfile.ZipFile(dibao_wheel).namelist()
    for needed in ("generators/templates/summary.docx", "dibao/web/static/htmx.min.js", "archiver/policy_default.toml",
                   "dibao/web/templates/login.html"):
        assert needed in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE="/dev/null", PIP_NO_INDEX="1", PYTHONIOENCODING="utf-8")
    r = subprocess.run([*_no_network(), "bash", str(wh / "install-offline.sh"), str(venv)], env=env,
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert r.stdout.strip().splitlines()[-1].startswith("dibao ")

    work = tmp_path / "office"  # not the checkout: nothing can be imported from the source tree
    work.mkdir()
    county = small_county(seed=3, n=6)
    write_xlsx(work / "2025年12月花名册.xlsx", roster_rows(county, title="测试镇2025年12月城乡低保花名册"))
    exe = venv / "bin" / "dibao"

    def run(*args: str) -> subprocess.CompletedProcess:
        out = subprocess.run([*_no_network(), str(exe), "--home", str(work / "home"), *args], cwd=work, env=env,
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, f"{args}: {out.stdout[-2000:]} {out.stderr[-2000:]}"
        return out

    run("init")
    assert "归档 archived 1" in run("ingest", str(work / "2025年12月花名册.xlsx"), "--quiet").stdout
    run("report", "summary", "--year", "2025", "-o", str(work / "总结.docx"))
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import generators.render as r, dibao.web.app as a; print(r.TEMPLATES); print(a.STATIC)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(str(venv) in w for w in where), where  # templates and assets come from the installed package

    import docx

    text = "\n".join(p.text for p in docx.Document(str(work / "总结.docx")).paragraphs)
    assert "工作总结" in text and "2025" in text
    assert str(len(county)) in text  # the figures are the ingested county's, not a template's
