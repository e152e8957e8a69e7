"""docs/import.md lists every column dibao reads: a field added to the synonym table without a line
there fails here, so the page offices follow never lags behind the importer."""

from __future__ import annotations

import pytest

from archiver.rosters.synonyms import SYNONYMS
from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def test_import_doc_names_every_field_and_its_headers() -> None:
    text = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    missing = [f for f in SYNONYMS if f"(`{f}`)" not in text]
    assert missing == [], f"docs/import.md lacks rows for {missing}"
    for names in SYNONYMS.values():
        assert names[0] in text
    for export in ("人员查询", "家庭查询", "城市低保", "农村低保"):
        assert export in text
