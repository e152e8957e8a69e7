"""Write one named section of docs/PERFORMANCE.md, keeping the others."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "PERFORMANCE.md"
HEAD = "# Performance\n\nMeasured by the scripts in `bench/`; each section is rewritten by its script. Baselines run in the same process run.\n"


def write_section(title: str, body: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEAD
    block = f"## {title}\n\n_measured {dt.date.today().isoformat()}_\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: block + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
