"""The search index on every web server (issue 28 item 4): one change log in the catalog, an index per
server that applies it from its own position, pruning below what every index has, and the lag `check` shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.catalog import Catalog
from archiver.home import Home
from archiver.index import open_index, position, sync
from archiver.index.follower import catch_up
from archiver.index_hook import follow
from archiver.pipeline import Ingestor
from tests.builders import roster_rows, small_county, write_xlsx
from tests.conftest import Runner, pg_server

pytestmark = pytest.mark.cli


def _roster(tmp_path: Path, seed: int) -> tuple[Path, str]:
    county = small_county(seed=seed, n=2)
    path = tmp_path / f"花名册{seed}.xlsx"
    write_xlsx(path, roster_rows(county))
    return path, county[0]["members"][0][1]  # the head's ID number: names repeat across seeds, numbers do not


def _found(home: Home, cat: Catalog, id_number: str) -> bool:
    hits = open_index(home).search(cat, id_number, limit=10).results
    return any(m.id_number == id_number for h in hits for m in h.household.members)


def test_two_indexes_on_one_postgresql_catalog_both_catch_up_and_check_shows_the_lag(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = Runner(tmp_path / "home")
    run("init", "--database", pg_server().new_database())
    home = Home(tmp_path / "home")
    a, b = tmp_path / "server-a" / "index", tmp_path / "server-b" / "index"
    monkeypatch.setenv("DIBAO_INDEX_DIR", str(a))
    assert home.index == a
    cat = follow(home, Catalog.of(home))
    first, head1 = _roster(tmp_path, 3)
    assert Ingestor(home, cat).run([first]).counts()["archived"] == 1
    assert _found(home, cat, head1) and position.read(a) == cat.log_head() > 0  # server A: through the hook

    monkeypatch.setenv("DIBAO_INDEX_DIR", str(b))
    assert sync(home, cat) == -1 and _found(home, cat, head1)  # server B's first start builds its own
    assert position.read(b) == cat.log_head()

    monkeypatch.setenv("DIBAO_INDEX_DIR", str(a))
    second, head2 = _roster(tmp_path, 11)
    assert Ingestor(home, cat).run([second]).counts()["archived"] == 1  # filed through server A
    assert _found(home, cat, head2)

    monkeypatch.setenv("DIBAO_INDEX_DIR", str(b))
    assert not _found(home, cat, head2)
    report = run.json("check")
    assert report["index_lag"] == cat.log_lag(position.read(b)) > 0
    assert any(f["code"] == "index_lag" and "落后" in f["message"] for f in report["findings"])
    assert catch_up(home, cat) and _found(home, cat, head2)  # what the follower thread does every poll
    assert not catch_up(home, cat)  # nothing new: one look-up, no sync
    assert run.json("check")["index_lag"] == 0
    assert set(cat.index_positions().values()) == {cat.log_head()}
    assert cat.log_after(0) == cat.log_after(cat.log_head() - 1)  # pruned: every index has the rest
    cat.close()


def test_the_log_is_pruned_only_below_the_lowest_position_and_a_pruned_index_rebuilds(home_dir: Path) -> None:
    home = Home(home_dir)
    home.create()
    cat = Catalog.of(home)
    cat.mark_dirty({1, 2})
    cat.mark_dirty({3})
    assert cat.log_head() == 3 and cat.dirty_households() == [1, 2, 3]
    cat.report_position("b", 1)
    cat.report_position("a", 3)
    assert [n for n, _ in cat.log_after(0)] == [1, 2, 3] and cat.dirty_households() == [2, 3]  # b lacks 2 and 3
    cat.report_position("b", 3)
    assert [n for n, _ in cat.log_after(0)] == [3]  # the newest stays: SQLite never reuses a number
    cat.mark_dirty({4})
    assert cat.log_head() == 4 and cat.pruned_below() == 2 and cat.log_lag(3) == 1
    position.write(home.index, 1)  # an index switched off since before the prune
    assert sync(home, cat) == -1 and position.read(home.index) == 4
    position.write(home.index, 99)  # ahead of the log: an index beside a catalog restored from a backup
    assert sync(home, cat) == -1 and position.read(home.index) == 4
    assert sync(home, cat) == 0  # in step: nothing to do


@pytest.fixture
def home_dir(tmp_path: Path) -> Path:
    return tmp_path / "home"
