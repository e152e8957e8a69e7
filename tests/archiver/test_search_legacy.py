"""whoosh is gone (tantivy is the one engine): a home an older dibao indexed with whoosh is told to run
`dibao reindex`, and reindex builds tantivy in its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.builders import roster_rows, small_county, write_xlsx

pytestmark = pytest.mark.cli


def test_an_old_whoosh_index_is_reported_and_reindex_builds_tantivy_in_its_place(dibao, tmp_path: Path) -> None:
    c = small_county(seed=8, n=4)
    write_xlsx(tmp_path / "roster.xlsx", roster_rows(c))
    dibao("ingest", str(tmp_path), "--quiet")
    index = dibao.home / "index"
    shutil.rmtree(index / "tantivy")
    (index / "whoosh").mkdir()  # what whoosh leaves: its table of contents, a segment, its schema version
    (index / "whoosh" / "_MAIN_3.toc").write_bytes(b"\x00toc")
    (index / "whoosh" / "MAIN_abc123.seg").write_bytes(b"\x00")
    (index / "SCHEMA_VERSION").write_text("whoosh-3")

    r = dibao("check", check=False)
    assert "index_whoosh" in r.stdout and "旧版 whoosh" in r.stdout and "dibao reindex" in r.stdout
    assert "index_missing" not in r.stdout

    assert dibao("reindex").returncode == 0
    assert not (index / "whoosh").exists() and (index / "tantivy" / "meta.json").exists()
    assert (index / "SCHEMA_VERSION").read_text().startswith("tantivy-")
    head = c[1]["members"][0][0]
    assert c[1]["no"] in [h["household_id"] for h in dibao.json("search", head)["results"]]
    r = dibao("check")
    assert "index_whoosh" not in r.stdout and "index_missing" not in r.stdout


def test_only_the_version_file_left_by_whoosh_is_enough_to_tell(dibao, tmp_path: Path) -> None:
    c = small_county(seed=9, n=2)
    write_xlsx(tmp_path / "roster.xlsx", roster_rows(c))
    dibao("ingest", str(tmp_path), "--quiet")
    (dibao.home / "index" / "SCHEMA_VERSION").write_text("whoosh-2")
    r = dibao("search", c[0]["members"][0][0], check=False)  # search still answers: it rebuilds first
    assert r.returncode == 0 and "旧版 whoosh" in r.stderr and c[0]["no"] in r.stdout
