"""docs/templates.md names every variable the templates receive: each document's context is built on a real
catalog, and a key (or a row's key) missing from its section fails here."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from archiver.catalog import Catalog, Scope
from archiver.home import Home
from archiver.policy import load
from generators import dossier, inspection, notice, summary

pytestmark = pytest.mark.cli

DOCS = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def sections() -> dict[str, str]:
    parts = re.split(r"^## ", DOCS.read_text(encoding="utf-8"), flags=re.M)
    return {p.split("\n", 1)[0].split(" ")[0]: p for p in parts[1:]}


def undocumented(ctx: dict, section: str) -> list[str]:
    missing = [k for k in ctx if f"`{k}`" not in section and f"`{k}." not in section and f"`{k}[" not in section]
    for k, v in ctx.items():
        rows = v if isinstance(v, list) else [v]
        for row in rows[:3]:
            if isinstance(row, dict):
                missing += [f"{k}.{sub}" for sub in row if not re.search(rf"(?<![A-Za-z_]){re.escape(sub)}(?![A-Za-z_])", section)]
    return sorted(set(missing))


def test_every_context_key_is_documented(planted) -> None:
    run, base, summary_docx, stay = planted
    home = Home(run.home)
    cat = Catalog.of(home)
    policy = load(home.root)
    docs = sections()
    assert set(docs) >= {"summary.docx", "notice.docx", "inspection.docx", "dossier.html", "dossier_back.html",
                         "dossier_index.html"}
    ctx = summary.context(cat, 2025, None, policy)
    ctx.update(chart_persons=None, chart_money=None)
    assert undocumented(ctx, docs["summary.docx"]) == []
    township = stay["township"]
    n = notice.context(cat, None, "新增", dt.date(2016, 1, 1), 7, policy, until=dt.date(2025, 12, 31), township=township)
    assert undocumented(n, docs["notice.docx"]) == []
    assert undocumented(n["notices"][0], docs["notice.docx"]) == []
    assert undocumented(inspection.report_context(cat, None, 2025, policy), docs["inspection.docx"]) == []
    h = next(x for x in cat.households(Scope(), full=True) if x.payments)
    entries = [dossier.Entry(d, 1) for d in dossier.ordered(h.documents)]
    front = dossier._context(h, entries, policy, 3, dossier.generated_pages(h))
    assert front["generated"] and front["generated"][0]["title"] == "低保金发放记录"
    assert undocumented(front, docs["dossier.html"]) == []
    back = dossier.back_context(front, entries, 3, 9)
    extra = {k: v for k, v in back.items() if k not in front}
    assert extra and undocumented(extra, docs["dossier_back.html"]) == []
    index = dossier.index_context([(h, Path("x.pdf"))], policy, h.village)
    assert undocumented(index, docs["dossier_index.html"]) == []
    # and the check itself bites: a key nobody documented is reported
    assert undocumented({"no_such_variable": 1}, docs["summary.docx"]) == ["no_such_variable"]
