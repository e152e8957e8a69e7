"""Acceptance on the external sample corpus (../shared/samples/county-a) when it is present.

The project never needs it to run; where the folder is absent this test says so plainly and skips.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

CORPUS = Path(os.environ.get("DIBAO_SAMPLE_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "samples" / "county-a"))
SHEET_KEYS = ["households_end", "persons_end", "new_households", "new_persons", "exited_households", "exited_persons",
              "increased", "decreased", "disbursed_by_quarter", "disbursed_total", "by_type", "by_age_band",
              "disabled_persons", "cadre_relatives"]

pytestmark = pytest.mark.skipif(not (CORPUS / "truth.json").exists(),
                                reason=f"外部样例语料不存在：{CORPUS} / external sample corpus not found, acceptance skipped")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    from tests.conftest import Runner

    base = tmp_path_factory.mktemp("accept")
    inbox = base / "inbox"
    only_sheets = os.environ.get("DIBAO_ACCEPT_SCANS", "0") != "1"
    shutil.copytree(CORPUS / "inbox", inbox,
                    ignore=(lambda d, names: [n for n in names if n.lower().endswith((".jpg", ".pdf"))
                                              and "坏文件" not in d]) if only_sheets else None)
    run = Runner(base / "home")
    run("init")
    run("ingest", str(inbox), "--quiet")
    return run, json.loads((CORPUS / "truth.json").read_text(encoding="utf-8"))


def test_stats_equal_truth_for_county_and_each_township(ingested) -> None:
    run, truth = ingested
    misses = []
    for year, block in truth["stats"].items():
        for scope, want in [(None, block["county"]), *block["townships"].items()]:
            got = run.json("stats", "--year", year, *(["--scope", scope] if scope else []))
            for k in SHEET_KEYS:
                w, g = want[k], got.get(k)
                if isinstance(w, list):
                    same = [round(x, 2) for x in g] == w
                elif isinstance(w, dict):
                    same = all(all(g.get(a, {}).get(b) == c for b, c in v.items()) if isinstance(v, dict) else g.get(a) == v
                               for a, v in w.items())
                else:
                    same = g == w
                if not same:
                    misses.append(f"{year}/{scope or '全部'}/{k}: got {g} want {w}")
    assert not misses, misses


def test_bad_files_quarantined_with_reasons_and_check_clean(ingested) -> None:
    run, truth = ingested
    items = run.json("quarantine", "list")["items"]
    names = {os.path.basename(i["source_name"]) for i in items}
    expected = {os.path.basename(f["file"]) for f in truth["files"] if f["outcome"] == "quarantined"}
    assert expected <= names
    assert all(i["reason"].strip() for i in items)
    assert run("check").returncode == 0
