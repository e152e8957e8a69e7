"""The ingest stage list and the catalog's after-commit hook (issue #26 item 4), without OCR."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import stages
from archiver.catalog import Catalog
from archiver.home import Home
from archiver.index_hook import follow
from archiver.pipeline import Ingestor
from tests.builders import roster_rows, small_county, write_xlsx

pytestmark = pytest.mark.unit


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = Home(tmp_path / "home")
    h.create()
    return h


def test_the_stage_list_is_in_order_and_built_into_every_ingestor(home: Home) -> None:
    assert [s.name for s in stages.default()] == ["sniff", "unzip", "sheet", "document", "retry-quarantined"]
    ingestor = Ingestor(home, Catalog.of(home))
    assert [s.name for s in ingestor.stages] == [s.name for s in stages.default()]
    assert ingestor.stages[1] is not Ingestor(home, Catalog.of(home)).stages[1]  # a zip budget each


def test_hooks_run_after_a_commit_that_marked_households_never_on_rollback(home: Home) -> None:
    cat = Catalog.of(home)
    seen: list[list[int]] = []
    cat.after_commit("probe", lambda c: seen.append(c.dirty_households()))
    with cat.transaction():
        cat.audit("t", "x", "y", "")  # nothing marked: no hook
    assert seen == []
    with pytest.raises(RuntimeError), cat.transaction():
        cat.mark_dirty({7})
        raise RuntimeError("rolled back")
    assert seen == [] and cat.dirty_households() == []
    with cat.transaction():
        cat.mark_dirty({7})
        with cat.transaction():  # a nested use joins the outer one: the hook runs once, after the outer COMMIT
            cat.mark_dirty({8})
        assert seen == []
    assert seen == [[7, 8]]


def test_a_batch_holds_the_hooks_until_it_ends(home: Home) -> None:
    cat = Catalog.of(home)
    seen: list[int] = []
    cat.after_commit("probe", lambda c: seen.append(len(c.dirty_households())))
    with cat.hooks_held():
        for i in (1, 2, 3):
            with cat.transaction():
                cat.mark_dirty({i})
        assert seen == []
    assert seen == [3]


def test_an_ingest_leaves_the_search_index_up_to_date_through_the_hook(home: Home, tmp_path: Path) -> None:
    from archiver.index import open_index

    county = small_county(seed=3, n=2)
    write_xlsx(tmp_path / "花名册.xlsx", roster_rows(county))
    cat = follow(home, Catalog.of(home))
    report = Ingestor(home, cat).run([tmp_path / "花名册.xlsx"])
    assert report.counts()["archived"] == 1
    assert cat.dirty_households() == []  # drained by the hook, no sync called here
    head = county[0]["members"][0][0]
    hits = open_index(home).search(cat, head, limit=5).results
    assert any(h.household.head_name == head for h in hits)
