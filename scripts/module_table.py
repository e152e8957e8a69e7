"""docs/design.md's module table, from each module's own docstring (its first sentence), so the room plan
names every module and cannot drift from the code: `python scripts/module_table.py` rewrites the section,
tests/test_design_doc.py fails when it is stale or a module has no docstring."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "design.md"
PACKAGES = ("archiver", "generators", "dibao")
TITLE = "## Modules"
LONGEST = 240  # characters of a docstring's first sentence shown in the table
INTRO = ("Every module under archiver/, generators/ and dibao/, in its room, with the first sentence of its own "
         "docstring (`python scripts/module_table.py` rewrites this section; a test fails when it is stale).")


def modules() -> list[tuple[str, str]]:
    """(path, first sentence of the docstring or '') for every module, in path order."""
    out = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            first = re.split(r"(?<=[.。])\s", " ".join(doc.split()), maxsplit=1)[0] if doc else ""
            first = first if len(first) <= LONGEST else first[:LONGEST].rsplit(" ", 1)[0] + " …"
            out.append((path.relative_to(ROOT).as_posix(), first.replace("|", "\\|")))
    return out


def section() -> str:
    rows = "".join(f"| `{p}` | {d} |\n" for p, d in modules())
    return f"{TITLE}\n\n{INTRO}\n\n| module | what it is for |\n|---|---|\n{rows}"


def rewrite(text: str) -> str:
    pattern = re.compile(rf"^{re.escape(TITLE)}\n.*?(?=^## |\Z)", re.S | re.M)
    block = section() + "\n"
    return pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block


if __name__ == "__main__":
    DOC.write_text(rewrite(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    missing = [p for p, d in modules() if not d]
    print(f"{DOC.relative_to(ROOT)}: {len(modules())} modules" + (f"; no docstring: {missing}" if missing else ""))
    sys.exit(1 if missing else 0)
