"""Licences: dibao is Apache-2.0 and no runtime dependency may forbid a government or a vendor to adopt,
modify and ship it (no AGPL, no GPL, no licence we cannot read). Read from the installed packages'
own metadata (PEP 639 License-Expression, else the classifiers, else the License field)."""

from __future__ import annotations

import re
from importlib import metadata

import pytest
from packaging.markers import Marker

pytestmark = pytest.mark.unit

# SPDX ids that allow use, modification and redistribution inside closed or government systems
PERMISSIVE = {"MIT", "MIT-0", "MIT-CMU", "BSD-2-CLAUSE", "BSD-3-CLAUSE", "0BSD", "APACHE-2.0", "PSF-2.0", "PYTHON-2.0",
              "ISC", "ZLIB", "CC0-1.0", "MPL-2.0", "UNLICENSE", "HPND", "LGPL-2.1-ONLY", "LGPL-2.1-OR-LATER",
              "LGPL-3.0-ONLY", "LGPL-3.0-OR-LATER", "LGPL-2.0-OR-LATER", "MULANPSL-2.0"}
OK_CLASSIFIERS = ("MIT License", "BSD License", "Apache Software License", "Python Software Foundation License",
                  "GNU Lesser General Public License", "Mozilla Public License 2.0", "ISC License", "MIT No Attribution",
                  "zlib/libpng License", "Mulan Permissive Software License")
# License fields written as prose (no SPDX, no classifier): a pattern of the words they use
OK_TEXT = re.compile(r"^\s*(MIT|BSD|3-Clause BSD|Two-clause BSD|Apache|LGPL|License agreement for matplotlib|"
                     r"=+\s+The Kiwi licensing terms)", re.I)
FORBIDDEN = re.compile(r"AFFERO|AGPL|\bGPL|GNU General Public License|SSPL|PolyForm|Noncommercial|Commons Clause", re.I)

# PyMuPDF (AGPL-3.0 or a paid Artifex licence) and the two packages that came with it: replaced by pypdfium2 and
# pypdf (issue 18); they must not come back.
PYMUPDF = {"pymupdf", "pymupdf4llm", "pymupdf-layout"}


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure(root: str = "dibao") -> dict[str, metadata.Distribution]:
    """Every installed distribution `root` needs at run time (no extras: the dev tools are not shipped)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        if _key(name) in seen:
            continue
        dist = metadata.distribution(name)
        seen[_key(name)] = dist
        for req in dist.requires or []:
            spec, _, marker = req.partition(";")
            if marker and not Marker(marker).evaluate({"extra": ""}):
                continue
            m = re.match(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", spec.strip())
            if m:
                todo.append(m.group(0))
    seen.pop(_key(root))
    return seen


def _spdx_ok(expr: str) -> bool:
    """An SPDX expression any of whose OR-alternatives is made only of permissive licences."""
    for alt in re.split(r"\s+OR\s+", expr):
        if all(part.strip(" ()").upper() in PERMISSIVE for part in re.split(r"\s+AND\s+", alt.strip(" ()"))):
            return True
    return False


def verdict(dist: metadata.Distribution) -> str | None:
    """None when the licence permits the use; else why not."""
    md = dist.metadata
    expr = md.get("License-Expression")
    if expr:
        return None if _spdx_ok(expr) else f"licence {expr}"
    classifiers = [c for c in md.get_all("Classifier") or [] if c.startswith("License ::")]
    if any(c.endswith(ok) or ok in c for c in classifiers for ok in OK_CLASSIFIERS):
        return None  # several licence classifiers are alternatives (e.g. pyphen: GPL or LGPL or MPL)
    text = (md.get("License") or "").strip()
    if FORBIDDEN.search(text[:300]) or any(FORBIDDEN.search(c) for c in classifiers):
        return f"licence {text[:80] or classifiers}"
    if text and (OK_TEXT.search(text) or (len(text) < 80 and _spdx_ok(text))):
        return None
    return "licence unknown (no licence in its metadata)"


def _violations() -> dict[str, str]:
    return {k: why for k, d in runtime_closure().items() if (why := verdict(d))}


def test_dibao_itself_is_apache_2() -> None:
    md = metadata.metadata("dibao")
    assert md.get("License-Expression") == "Apache-2.0"
    from tests.conftest import ROOT

    assert "Apache License" in (ROOT / "LICENSE").read_text() and "Apache-2.0" in (ROOT / "README.md").read_text()


def test_the_check_tells_permissive_from_copyleft() -> None:
    deps = runtime_closure()
    assert {"weasyprint", "fastapi", "tantivy", "openpyxl"} <= set(deps)
    assert "pytest" not in deps and "playwright" not in deps  # dev extras are not runtime
    assert verdict(deps["weasyprint"]) is None and verdict(deps["python-stdnum"]) is None  # BSD, LGPL


def test_no_runtime_dependency_forbids_adoption() -> None:
    bad = _violations()
    assert bad == {}, f"runtime dependencies whose licence forbids adoption: {bad}"


def test_pymupdf_is_gone() -> None:
    assert not (set(runtime_closure()) & PYMUPDF)
