"""Spreadsheet import through the CLI with real files: every bad-input family, and that good rows survive."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import (
    ROSTER_HEADER,
    bad_check_digit,
    person_id,
    roster_rows,
    small_county,
    write_csv,
    write_xls,
    write_xlsx,
)

pytestmark = pytest.mark.cli


def ids_in(dibao, key: str) -> list[str]:
    return [m["id_number"] for m in dibao.json("household", "show", key)["members"]]


def test_roster_imports_households_members_and_skips_total_rows(dibao, tmp_path: Path) -> None:
    county = small_county()
    f = write_xlsx(tmp_path / "花名册.xlsx", roster_rows(county))
    out = dibao("ingest", str(f), "--quiet").stdout
    assert "归档 archived 1" in out
    listed = dibao.json("household", "list")["households"]
    assert sorted(h["household_id"] for h in listed) == sorted(h["no"] for h in county)
    first = county[0]
    show = dibao.json("household", "show", first["no"])
    assert show["head"]["id_number"] == first["members"][0][1]
    assert show["status"] == "在保"
    assert show["monthly_amount"] == first["amount"]
    # the 合计 row created nothing
    assert len(listed) == len(county)
    assert dibao("check").returncode == 0


def test_reimporting_the_same_file_changes_nothing(dibao, tmp_path: Path) -> None:
    f = write_xlsx(tmp_path / "a.xlsx", roster_rows(small_county()))
    dibao("ingest", str(f), "--quiet")
    before = dibao.json("household", "list")
    again = dibao("ingest", str(f), "--quiet").stdout
    assert "重复 duplicate 1" in again
    # a copy under another name with the same rows is idempotent too
    g = write_xlsx(tmp_path / "b.xlsx", roster_rows(small_county()) + [[""]])
    dibao("ingest", str(g), "--quiet")
    assert dibao.json("household", "list") == before


def test_bad_ids_duplicates_are_rejected_per_row_and_the_rest_imports(dibao, tmp_path: Path) -> None:
    county = small_county(n=3)
    rows = roster_rows(county)
    good = rows[3]
    dup = list(good)
    bad_digit = list(rows[4])
    bad_digit[8] = bad_check_digit(str(bad_digit[8]))
    as_number = list(rows[5])
    as_number[8] = float(as_number[8][:17])  # Excel turned it into a number
    sci = list(rows[5])
    sci[8] = "5.20102E+17"
    rows = rows[:3] + [good, dup, bad_digit, as_number, sci] + rows[4:]
    f = write_xlsx(tmp_path / "含错误行.xlsx", rows)
    r = dibao("ingest", str(f))
    report = dibao.json("ingest", str(f))  # second run: duplicate file, no new errors
    assert report["duplicate"] == 1
    text = r.stdout
    assert "重复行" in text and "第5行" in text
    assert "校验位错误" in text and "第6行" in text
    assert "被Excel存成数字" in text and "第7行" in text
    assert "科学计数法" in text and "第8行" in text
    assert "成员身份证号" in text  # the column is named
    # no full ID number appears in any message
    for row in (bad_digit, as_number):
        assert str(row[8]) not in text
    # good rows still imported
    assert len(dibao.json("household", "list")["households"]) == 3
    assert dibao("check").returncode == 0


def test_unknown_columns_go_to_quarantine_with_reason(dibao, tmp_path: Path) -> None:
    f = write_xlsx(tmp_path / "统计表.xlsx", [["某某统计表"], ["项目", "数量", "备注"], ["甲", 1, ""]])
    dibao("ingest", str(f), "--quiet")
    items = dibao.json("quarantine", "list")["items"]
    assert [i["source_name"] for i in items] == ["统计表.xlsx"]
    assert "无法识别" in items[0]["reason"]


def test_gbk_csv_with_traditional_headers_and_full_width_digits(dibao, tmp_path: Path) -> None:
    pid = person_id("19580101", seq=33)
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in pid)
    rows = [["戶主姓名", "身份證號碼", "保障人口", "月保障金額", "鄉鎮", "村"],
            ["陳建國", wide, "２", "６６０", "測試鎮", "一村"]]
    f = write_csv(tmp_path / "roster.csv", rows, encoding="gbk")
    dibao("ingest", str(f), "--quiet")
    h = dibao.json("household", "list")["households"]
    assert len(h) == 1 and h[0]["head"]["id_number"] == pid and h[0]["head"]["name"] == "陳建國"  # values are kept as written; search folds t/s
    assert h[0]["persons"] == 2 and h[0]["monthly_amount"] == 660


def test_utf8_bom_csv_and_xls_are_read(dibao, tmp_path: Path) -> None:
    a, b = person_id("19600101", seq=1), person_id("19610101", seq=2)
    header = ["户主姓名", "身份证号码", "保障人数", "月保障金额", "乡镇", "村"]
    write_csv(tmp_path / "a.csv", [header, ["甲", a, 1, 300, "镇", "村一"]], encoding="utf-8-sig")
    write_xls(tmp_path / "b.xls", [["标题"], header, ["乙", b, 2, 400, "镇", "村二"]])
    dibao("ingest", str(tmp_path), "--quiet")
    heads = {h["head"]["id_number"] for h in dibao.json("household", "list")["households"]}
    assert heads == {a, b}


def test_two_row_header_and_merged_household_cells(dibao, tmp_path: Path) -> None:
    county = small_county(n=2)
    rows = roster_rows(county)
    group = ["基本信息"] * 4 + ["户主信息"] * 2 + ["成员信息"] * 3 + ["保障信息"] * 9
    body = rows[3:-1]
    for r in body:  # blank the household columns on member rows, as merged cells export
        if r[7] != "户主":
            for c in (1, 2, 3, 4, 5, 9, 10, 11, 12, 13):
                r[c] = ""
    f = write_xlsx(tmp_path / "merged.xlsx", rows[:2] + [group, ROSTER_HEADER] + body)
    dibao("ingest", str(f), "--quiet")
    second = county[1]
    assert sorted(ids_in(dibao, second["no"])) == sorted(m[1] for m in second["members"])


def test_newer_roster_records_member_changes_and_amount_history(dibao, tmp_path: Path) -> None:
    county = small_county(n=3)
    write_xlsx(tmp_path / "2024.xlsx", roster_rows(county, "测试镇2024年12月城乡低保花名册"))
    h = county[2]
    leaving = h["members"][-1]
    h["members"] = h["members"][:-1]
    h["amount"] = 999
    write_xlsx(tmp_path / "2025.xlsx", roster_rows(county, "测试镇2025年12月城乡低保花名册"))
    dibao("ingest", str(tmp_path), "--quiet")
    show = dibao.json("household", "show", h["no"])
    changes = [e for e in show["events"] if e["kind"] == "成员变更"]
    assert changes and leaving[0] in changes[0]["reason"]
    gone = next(m for m in show["members"] if m["id_number"] == leaving[1])
    assert gone["removed_on"] == "2025-12-31"
    s24 = dibao.json("stats", "--year", "2024")
    s25 = dibao.json("stats", "--year", "2025")
    assert s24["persons_end"] - s25["persons_end"] == 1


def test_change_list_and_disbursement_feed_stats(dibao, tmp_path: Path) -> None:
    a = person_id("19700101", seq=5)
    write_xlsx(tmp_path / "变动.xlsx", [
        ["镇2025年3月城乡低保对象变动情况表"],
        ["序号", "乡镇", "村", "户主姓名", "户主身份证号", "变动类型", "变动日期", "原保障人数", "现保障人数", "原金额", "现金额", "变动原因"],
        [1, "镇", "村", "甲", a, "新增", "2025-03-02", 0, 2, 0, 600, "新申请"],
        [2, "镇", "村", "甲", a, "调减", "2025年8月1日", 2, 2, 600, 500, "收入增加"],
        [3, "镇", "村", "甲", a, "停发", "2025.11.20", 2, 0, 500, 0, "就业"],
        [4, "镇", "村", "甲", a, "未知类型", "2025-12-01", 2, 0, 500, 0, ""],
    ])
    write_xlsx(tmp_path / "发放.xlsx", [
        ["镇2025年第二季度低保金发放花名册"],
        ["序号", "乡镇", "村", "户主姓名", "身份证号", "保障人数", "发放期间", "发放金额", "银行账号"],
        [1, "镇", "村", "甲", a, 2, "2025年4-6月", 1800, "6228000011112222333"],
        ["合计", "", "", "", "", "", "", 1800, ""],
    ])
    r = dibao("ingest", str(tmp_path))
    assert "变动类型无法识别" in r.stdout
    s = dibao.json("stats", "--year", "2025")
    assert (s["new_households"], s["new_persons"], s["decreased"], s["exited_households"], s["exited_persons"]) == (1, 2, 1, 1, 2)
    assert s["households_end"] == 0
    assert s["disbursed_by_quarter"] == [0.0, 1800.0, 0.0, 0.0]
    assert "6228000011112222333" not in r.stdout


def test_missing_home_is_a_clear_usage_error(tmp_path: Path) -> None:
    from tests.conftest import Runner

    r = Runner(tmp_path / "nowhere")("household", "list", check=False)
    assert r.returncode == 2 and "dibao init" in r.stderr


def test_change_list_by_household_number_reason_as_kind_and_bracketed_head_columns(dibao, tmp_path: Path) -> None:
    county = small_county(n=2)
    write_xlsx(tmp_path / "roster.xlsx", roster_rows(county, "测试镇2024年12月城乡低保花名册"))
    dibao("ingest", str(tmp_path / "roster.xlsx"), "--quiet")
    a, b = county
    write_xlsx(tmp_path / "变动.xlsx", [
        ["测试镇2025年5月变动情况"],
        ["序号", "户编号", "姓名(户主)", "变动类型", "变动日期", "原金额", "现金额"],
        [1, a["no"], a["members"][0][0], "死亡", "2025-05-03", a["amount"], 0],
        [2, "9999999999999", "无此户", "调增", "2025-05-04", 100, 200],
    ])
    write_xlsx(tmp_path / "发放.xlsx", [
        ["测试镇2025年5月低保金发放表"],
        ["序号", "户主姓名", "身份证号码（户主）", "发放金额"],
        [1, b["members"][0][0], b["members"][0][1], 500],
    ])
    r = dibao("ingest", str(tmp_path / "变动.xlsx"), str(tmp_path / "发放.xlsx"))
    assert "户编号9999999999999不在档案中" in r.stdout
    events = dibao.json("household", "show", a["no"])["events"]
    assert [(e["kind"], e["reason"]) for e in events if e["kind"] == "停保"] == [("停保", "死亡")]
    s = dibao.json("stats", "--year", "2025")
    assert s["exited_households"] == 1 and s["disbursed_by_quarter"][1] == 500.0
    assert len(dibao.json("household", "list")["households"]) == 2


def test_group_headers_over_names_and_month_only_change_dates(dibao, tmp_path: Path) -> None:
    a_head, a_member = person_id("19500101", seq=3), person_id("19800101", seq=4, male=False)
    write_xlsx(tmp_path / "roster.xlsx", [
        ["某镇2025年12月花名册"],
        ["户编号", "户主信息", "户主信息", "成员信息", "成员信息", "成员信息", "保障人数", "月保障金额"],
        ["", "姓名", "身份证号", "姓名", "身份证号", "与户主关系", "", ""],
        ["5201000000001", "甲", a_head, "甲", a_head, "户主", 2, 600],
        ["5201000000001", "甲", a_head, "乙", a_member, "女", 2, 600],
    ])
    write_xlsx(tmp_path / "变动.xlsx", [
        ["变动情况"], ["户主姓名", "户主身份证号", "变动类型", "变动日期", "现金额"], ["甲", a_head, "调减", "2025年11月", 500]])
    dibao("ingest", str(tmp_path), "--quiet")
    show = dibao.json("household", "show", "5201000000001")
    assert show["head"]["id_number"] == a_head
    assert sorted(m["id_number"] for m in show["members"]) == sorted([a_head, a_member])
    assert [(e["kind"], e["date"]) for e in show["events"]] == [("调减", "2025-11-01")]
