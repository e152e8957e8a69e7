"""Issue 11's "done when": another county's inbox, with other offices' habits, imports completely and its
figures equal the generator's own truth for every township."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpora import neighbour_county

pytestmark = pytest.mark.cli


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.conftest import Runner

    root = tmp_path_factory.mktemp("neighbour")
    truth = neighbour_county.build(root)
    run = Runner(root / "home")
    run("init")
    report = run.json("ingest", str(root / "inbox"))
    return run, truth, report


def test_every_household_present_in_its_township_and_village(county) -> None:  # type: ignore[no-untyped-def]
    run, truth, _ = county
    listed = run.json("household", "list")["households"]
    assert len(listed) == len(truth["households"])  # nothing duplicated (2024 without 户编号 + 2025 with)
    by_head = {h["head"]["id_number"]: h for h in listed}
    for want in truth["households"]:
        got = by_head[want["head_id"]]
        assert (got["township"], got["village"]) == (want["township"], want["village"])
        if want["no"]:
            assert got["household_id"] == want["no"]
        else:  # no 户编号 anywhere: a stable internal number is shown
            assert got["household_id"].startswith("D")
    assert sorted({h["township"] for h in listed}) == sorted(truth["townships"])
    # traditional and suffixed village spellings fold to one village per name
    villages = {(h["township"], h["village"]) for h in listed}
    assert villages == {(w["township"], w["village"]) for w in truth["households"]}


def test_stats_per_township_equal_the_truth(county) -> None:  # type: ignore[no-untyped-def]
    run, truth, _ = county
    for township in truth["townships"]:
        got = run.json("stats", "--year", str(truth["year"]), "--scope", township)
        want = truth["stats"][township]
        assert {k: got[k] for k in want} == want, township
    # a scope typed as people write it — traditional script, full width, 人民政府/村委会 — is the same area
    import opencc

    t = truth["townships"][0]
    village = next(h["village"] for h in truth["households"] if h["township"] == t)
    typed = opencc.OpenCC("s2t").convert(t) + "人民政府"
    got = run.json("stats", "--year", str(truth["year"]), "--scope", typed)
    assert {k: got[k] for k in truth["stats"][t]} == truth["stats"][t]
    exact = run.json("stats", "--year", str(truth["year"]), "--scope", f"{t}/{village}")
    for spelled in (f"{typed}/{opencc.OpenCC('s2t').convert(village)}", f"{t} / {village[:-1]}村委会"):
        if village.endswith("村"):
            assert run.json("stats", "--year", str(truth["year"]), "--scope", spelled)["households_end"] == \
                exact["households_end"], spelled


def test_report_names_sources_refuses_numeric_ids_and_lists_ignored_files(county) -> None:  # type: ignore[no-untyped-def]
    run, truth, report = county
    assert report["quarantined"] == 2 and report["row_errors"] == []
    # an Office lock file copied along with the folder: kept in quarantine with its reason, never read as a sheet
    lock = next(f for f in report["files"] if f["source_name"].endswith(truth["lock_file"]))
    assert lock["outcome"] == "quarantined" and "临时锁文件" in lock["reason"]
    refused = next(f for f in report["files"] if f["outcome"] == "quarantined" and f is not lock)
    assert refused["source_name"].endswith(truth["refused"]) and "存成了数字" in refused["reason"]
    assert sorted(Path(i["source_name"]).name for i in report["ignored"]) == sorted(truth["ignored"])
    assert all("忽略" in i["reason"] for i in report["ignored"])
    for f in report["files"]:
        if f["outcome"] != "archived":
            continue
        ctx = f["detail"]["context"]
        assert ctx["township"]["source"], f["source_name"]  # every sheet says where its township came from
        assert set(ctx) == {"township", "type", "period"}
    sources = {Path(f["source_name"]).name: f["detail"]["context"] for f in report["files"] if f["outcome"] == "archived"}
    assert sources["2025年12月城市低保花名册.xlsx"]["township"] == {"value": "东山镇", "source": "title", "source_label": "标题"}
    assert sources["2025年12月城市低保花名册.xlsx"]["type"]["source"] == "title"
    assert sources["2025年12月农村低保花名册.xlsx"]["township"]["source"] == "unit"
    assert sources["南岭街道2025年变动名册.xlsx"]["township"]["source"] == "filename"
    assert any(i["source_name"].endswith(truth["refused"]) for i in run.json("quarantine", "list")["items"])


def test_members_without_id_old_numbers_and_accounts_in_other_names(county) -> None:  # type: ignore[no-untyped-def]
    run, truth, _ = county
    show = run.json("household", "show", truth["no_id_member"]["head_id"])
    child = next(m for m in show["members"] if m["name"] == truth["no_id_member"]["name"])
    assert child["id_number"] is None and child["no_id_reason"] == "未落户"
    grandma = next(m for m in show["members"] if m["id_number"] == truth["old_id"]["id_number"])
    assert grandma["id_original"] == truth["old_id"]["id_original"] and grandma["sex"] == "女"
    for typed in (truth["old_id"]["id_original"], truth["old_id"]["id_original"][-6:]):  # as printed on old papers
        hits = run.json("search", typed)["results"]
        assert show["household_id"] in [r["household_id"] for r in hits], typed
    findings = run.json("inspect", "--year", str(truth["year"]))["findings"]
    proxy = [f for f in findings if f["code"] == "account_holder_not_member"]
    key = run.json("household", "show", truth["proxy_account"]["head_id"])["household_id"]
    assert [f["households"] for f in proxy] == [[key]] and truth["proxy_account"]["holder"] in proxy[0]["message"]
    # a child without an ID number is never matched to anyone by ID
    assert not [f for f in findings if f["code"] == "same_person_two_households"]
    # every office paid by the 执行月份 of its changes: nothing paid after a stop, nothing short or over
    assert not [f for f in findings if f["code"] in ("amount_mismatch", "paid_after_stop", "paid_before_start")]
