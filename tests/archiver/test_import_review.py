"""The import review through the CLI (issue 23): what was understood of each sheet, `ingest --dry-run` writing
nothing, an uncertain sheet held and confirmed (then its layout imported unasked), and rejected rows exported
with their reasons, corrected and re-imported once without duplicates."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from archiver.sheet_review import REASON_HEADER
from tests.builders import person_id, write_xlsx
from tests.conftest import Runner
from tests.import_review_corpus import KNOWN, OPAQUE, households, roster

pytestmark = pytest.mark.cli


def tree(root: Path) -> dict[str, str]:
    """Every file under the home with its content's checksum, and the catalog's content (as SQL: whether its
    last writes still sit in the WAL depends on when an earlier connection was closed)."""
    out = {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
           for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith("catalog.sqlite")}
    db = sqlite3.connect(f"file:{root / 'catalog.sqlite'}?mode=ro", uri=True)
    out["catalog"] = hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()
    db.close()
    return out


def members(run: Runner, key: str) -> list[str]:
    return sorted(m["name"] for m in run.json("household", "show", key)["members"])


def test_dry_run_maps_every_sheet_and_writes_nothing(dibao: Runner, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    hs = households()
    roster(src / "测试镇2025年12月花名册.xlsx", hs, "测试镇2025年12月低保花名册")
    roster(src / "测试镇2025年12月花名册（系统导出）.xlsx", households(3, village="二村"), "测试镇2025年12月低保花名册", OPAQUE)
    dibao("ingest", str(src / "测试镇2025年12月花名册.xlsx"), "--quiet")  # a home with something in it already
    before = tree(dibao.home)
    out = dibao.json("ingest", str(src), "--dry-run")
    assert tree(dibao.home) == before  # catalog, stored files, index: nothing written
    by = {f["source_name"]: f for f in out["files"]}
    good, odd = by["测试镇2025年12月花名册.xlsx"], by["测试镇2025年12月花名册（系统导出）.xlsx"]
    assert good["held"] is False and good["reason"] == ""
    assert good["mapping"]["member_id"] == "成员身份证号" and good["mapping"]["head_id"] == "户主身份证号"
    assert good["rows"] == {"header": 2, "data": 12, "total": 0, "footer": 0, "other": 0}
    assert odd["held"] is True and "列「CYZJHM」有6行是身份证号" in odd["reason"] and odd["outcome"] == "held"
    assert odd["mapping"]["member_id"] == "身份证号"  # what it would have read: the head's ID on the head's row only
    assert good["context"]["period"]["value"].startswith("2025-12")
    text = dibao("ingest", str(src), "--dry-run").stdout
    assert "待确认" in text and "未写入任何内容" in text and tree(dibao.home) == before


def test_a_held_sheet_is_confirmed_once_and_its_layout_then_imports_unasked(dibao: Runner, tmp_path: Path) -> None:
    hs = households()
    december = roster(tmp_path / "测试镇2025年12月花名册.xlsx", hs, "测试镇2025年12月低保花名册", OPAQUE)
    policy_before = (dibao.home / "policy.toml").read_text(encoding="utf-8")
    out = dibao.json("ingest", str(december), "--quiet")
    assert out["held"] == 1 and out["archived"] == 0 and out["row_errors"] == []  # not half-imported
    assert dibao.json("household", "list")["households"] == []
    held = dibao.json("import", "list-held")["held"]
    assert len(held) == 1 and held[0]["source_name"] == december.name
    sheet = held[0]["sheets"][0]
    assert sheet["mapping"]["member_id"] == "身份证号" and "CYZJHM" in sheet["columns"]
    assert dibao("import", "confirm", str(held[0]["id"]), "--map", "member_id=NOPE", check=False).returncode != 0
    done = dibao.json("import", "confirm", str(held[0]["id"]), "--map", "member_id=CYZJHM", "户主身份证号=身份证号")
    assert done["outcome"] == "archived" and done["rejected"] == 0 and done["rows"] == 12
    assert dibao.json("import", "list-held")["held"] == []
    listed = dibao.json("household", "list")["households"]
    assert len(listed) == 4 and all(h["persons"] == 3 for h in listed)
    assert members(dibao, hs[0]["no"]) == sorted(m[0] for m in hs[0]["members"])
    policy = (dibao.home / "policy.toml").read_text(encoding="utf-8")
    assert policy.startswith(policy_before.rstrip("\n"))  # every comment and setting kept, the layout appended
    assert 'member_id = "CYZJHM"' in policy and 'head_id = "身份证号"' in policy
    assert any(e["action"] == "import.confirm" for e in dibao.json("audit")["entries"])
    # next month's file from the same office: the same layout, imported without asking
    hs[1]["members"].append(("张新", "520102201501010014", "子女"))
    january = roster(tmp_path / "测试镇2026年1月花名册.xlsx", hs, "测试镇2026年1月低保花名册", OPAQUE)
    out = dibao.json("ingest", str(january), "--quiet")
    assert out["archived"] == 1 and out["held"] == 0 and out["row_errors"] == []
    assert out["files"][0]["detail"]["mapping"]["member_id"] == "CYZJHM"
    assert "张新" in members(dibao, hs[1]["no"])
    assert dibao("check").returncode == 0


def test_a_sheet_read_correctly_is_not_held_and_reports_its_mapping(dibao: Runner, tmp_path: Path) -> None:
    f = roster(tmp_path / "测试镇2025年12月花名册.xlsx", households(), "测试镇2025年12月低保花名册", bad={(0, 1)})
    out = dibao.json("ingest", str(f), "--quiet")
    assert out["archived"] == 1 and out["held"] == 0 and len(out["row_errors"]) == 1  # one mistyped ID: the row's fault
    d = out["files"][0]["detail"]
    assert d["held"] is False and d["mapping"]["head_name"] == "户主姓名"
    assert d["row_kinds"]["data"] == 12 and d["rows"] == 11


def test_rejected_rows_exported_corrected_and_reimported_once(dibao: Runner, tmp_path: Path) -> None:
    hs = households(6)
    original = roster(tmp_path / "测试镇2025年12月花名册.xlsx", hs, "测试镇2025年12月低保花名册", bad={(1, 1), (4, 2)})
    out = dibao.json("ingest", str(original), "--quiet")
    file_id = out["files"][0]["file_id"]
    assert out["held"] == 0 and len(out["row_errors"]) == 2
    listed = dibao.json("import", "rejected", str(file_id))["rejected"]
    assert [r["row"] for r in listed] == [7, 17] and all("18位" in r["reason"] for r in listed)
    rows_xlsx = tmp_path / "退回" / "rows.xlsx"
    dibao("import", "rejected", str(file_id), "-o", str(rows_xlsx))
    ws = openpyxl.load_workbook(rows_xlsx).active
    cells = [list(r) for r in ws.iter_rows(values_only=True)]
    assert cells[0][0] == "测试镇2025年12月低保花名册" and cells[1][:len(KNOWN)] == KNOWN
    assert cells[1][len(KNOWN)] == REASON_HEADER and len(cells) == 4
    assert all("18位" in r[len(KNOWN)] for r in cells[2:])
    assert cells[2][3] == hs[1]["no"] and cells[2][6] == hs[1]["members"][1][0]  # the household filled in
    # the village corrects the two IDs and sends the file back
    wb = openpyxl.load_workbook(rows_xlsx)
    wb.active.cell(3, 9).value = hs[1]["members"][1][1]
    wb.active.cell(4, 9).value = hs[4]["members"][2][1]
    wb.save(rows_xlsx)
    before = {h["household_id"]: h for h in dibao.json("household", "list")["households"]}
    again = dibao.json("ingest", str(rows_xlsx), "--quiet")
    assert again["archived"] == 1 and again["row_errors"] == [] and again["files"][0]["detail"]["households_created"] == 0
    after = {h["household_id"]: h for h in dibao.json("household", "list")["households"]}
    assert after.keys() == before.keys() and len(after) == 6
    for h in hs:
        assert members(dibao, h["no"]) == sorted(m[0] for m in h["members"])
    assert dibao.json("ingest", str(rows_xlsx), "--quiet")["duplicate"] == 1  # sent twice: nothing new
    home_db = sqlite3.connect(dibao.home / "catalog.sqlite")
    assert home_db.execute("SELECT COUNT(*) FROM members").fetchone()[0] == 18
    assert home_db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 6
    assert dibao("check").returncode == 0


def test_confirming_one_file_imports_the_held_files_of_the_same_layout(dibao: Runner, tmp_path: Path) -> None:
    a = roster(tmp_path / "测试镇2025年11月花名册.xlsx", households(), "测试镇2025年11月低保花名册", OPAQUE)
    b = roster(tmp_path / "测试镇2025年12月花名册.xlsx", households(), "测试镇2025年12月低保花名册", OPAQUE)
    out = dibao.json("ingest", str(a), str(b), "--quiet")
    assert out["held"] == 2
    first, second = sorted(f["file_id"] for f in out["files"])
    done = dibao.json("import", "confirm", str(first), "--map", "member_id=I", "head_id=F")  # by column letter
    assert done["also_imported"] == [second] and dibao.json("import", "list-held")["held"] == []
    assert len(dibao.json("household", "list")["households"]) == 4


def test_weak_matches_and_two_candidates_hold_a_sheet() -> None:
    from archiver.rosters import kinds as k
    from archiver.rosters.header import Header
    from archiver.rosters.mapping import review
    from archiver.rosters.synonyms import DEFAULT

    rows: list[list[object]] = [["户主姓名", "证照", "身份证号", "成员身份证号", "保障人数"], ["张三", "x", "y", "z", 1]]
    labels = dict(enumerate(rows[0]))
    weak = Header(0, 1, {"head_name": 0, "member_id": 1, "persons": 4}, labels, [])  # 证照 names no ID field
    r = review("Sheet1", rows, weak, k.Parsed(k.ROSTER, attempted=1), {}, [], DEFAULT)
    assert r["held"] and "近似匹配" in r["reasons"][0] and r["match"]["member_id"] == "weak"
    exact = Header(0, 1, {"head_name": 0, "member_id": 2, "persons": 4}, labels, [], spare={"member_id": [3]})
    r = review("Sheet1", rows, exact, k.Parsed(k.ROSTER, attempted=1), {}, [], DEFAULT)
    assert not r["held"] and r["candidates"] == {"member_id": ["成员身份证号"]}  # every row read: no question to ask
    failing = k.Parsed(k.ROSTER, attempted=1, errors=[k.RowError("Sheet1", 2, "身份证号", "身份证号为空 / ID number is empty")])
    r = review("Sheet1", rows, exact, failing, {}, [], DEFAULT)
    assert r["held"] and "两个候选列" in r["reasons"][0]


def test_a_bank_export_with_failed_transfers_is_imported_not_held(dibao: Runner, tmp_path: Path) -> None:
    """Failed transfers are the bank's facts about those rows, not a sign that the columns were misread: however
    many there are, the export is imported, its successful rows paid and each failed one listed for review."""
    ids = [person_id(f"1960011{i}", seq=81 + i) for i in range(8)]
    roster_file = write_xlsx(tmp_path / "东山镇2025年12月农村低保花名册.xlsx", [
        ["村", "户主姓名", "身份证号", "保障人数", "月保障金额", "一卡通账号"],
        *[["柳塘村", f"甲{i}", ids[i], 1, 300, f"62170000111122{i:02d}"] for i in range(8)]])
    bank = write_xlsx(tmp_path / "代发明细20250310.xlsx", [
        ["样例县农商银行代发明细"], ["序号", "账号", "户名", "金额", "摘要", "交易状态"],
        *[[i + 1, f"62170000111122{i:02d}", f"甲{i}", 300, "2025年3月低保金", "失败：户名不符" if i < 3 else "成功"]
          for i in range(8)]])
    dibao("ingest", str(roster_file), "--quiet")
    out = dibao.json("ingest", str(bank), "--quiet")
    assert out["archived"] == 1 and out["held"] == 0
    assert out["files"][0]["detail"]["held"] is False and out["files"][0]["detail"]["payments"] == 5
    assert len(out["row_errors"]) == 3 and all("转账未成功" in e["reason"] for e in out["row_errors"])


def test_an_id_column_that_names_someone_outside_the_household_does_not_hold_the_sheet(dibao: Runner, tmp_path: Path
                                                                                        ) -> None:
    """A guardian's or collecting agent's ID beside the head's is read rightly by not being read: the sheet is not
    held for it. An ID column whose name says nothing of whose it is still is (CYZJHM, above)."""
    heads = [person_id(f"1960011{i}", seq=81 + i) for i in range(6)]
    others = [person_id(f"1980021{i}", seq=21 + i) for i in range(6)]
    f = write_xlsx(tmp_path / "东山镇2025年12月农村低保花名册.xlsx", [
        ["村", "户主姓名", "户主身份证号", "保障人数", "月保障金额", "代领人", "代领人身份证号", "监护人公民身份号码"],
        *[["柳塘村", f"甲{i}", heads[i], 1, 300, f"乙{i}", others[i], others[i]] for i in range(6)]])
    out = dibao.json("ingest", str(f), "--quiet")
    assert out["archived"] == 1 and out["held"] == 0 and out["row_errors"] == []
    assert not {"代领人身份证号", "监护人公民身份号码"} & set(out["files"][0]["detail"]["mapping"].values())
    assert len(dibao.json("household", "list")["households"]) == 6
