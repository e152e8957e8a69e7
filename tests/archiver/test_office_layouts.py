"""The layouts other offices really send, each read generally, through the CLI with workbooks built here:
grouped two-row headers, household cells on the head's row only, unqualified ID columns, disability and
cadre marks in office wording, check-digit slips, 城乡 from the village, members packed in one cell, bank
payment exports, a sheet per village beside a summary, legacy .xls and WPS files."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.builders import bad_check_digit, person_id, write_xlsx

pytestmark = pytest.mark.cli


def _ingest(dibao, path: Path) -> dict:  # type: ignore[no-untyped-def]
    return dibao.json("ingest", str(path))


def _warnings(report: dict) -> list[str]:
    return [w["reason"] for f in report["files"] for w in (f.get("detail") or {}).get("warnings", [])]


def test_grouped_header_with_two_id_columns_and_household_cells_on_the_head_row_only(dibao, tmp_path: Path) -> None:
    head, wife, son = person_id("19600101", seq=11), person_id("19620303", seq=12, male=False), person_id(
        "20100505", seq=13)
    head2 = person_id("19550101", seq=14)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["西河乡2025年12月农村低保花名册"])
    ws.append(["序号", "村", "户主信息", "", "家庭成员信息", "", "", "保障信息", "", "", "残疾类别等级", "备注"])
    ws.append(["", "", "户主姓名", "身份证号码", "家庭成员姓名", "关系", "成员公民身份号码", "保障类别", "保障人数",
               "补差金额", "", ""])
    ws.append([1, "杨家村", "甲", head, "甲", "户主", head, "农村低保", 4, 1200, "", ""])
    ws.append(["", "", "", "", "乙", "配偶", wife, "", "", "", "肢体三级", ""])
    ws.append(["", "", "", "", "丙", "子", son, "", "", "", "", ""])
    ws.append(["", "", "", "", "丁", "女", "", "", "", "", "", ""])  # no ID yet: kept, with a warning
    ws.append([2, "杨家村", "戊", head2, "戊", "户主", head2, "农村低保", 1, 400, "", ""])
    ws.append(["合计", "", "", "", "", "", "", "", 5, 1600, "", ""])
    ws.append(["制表人：张三        审核人：李四        分管领导：王五"])
    for rng in ("A1:L1", "C2:D2", "E2:G2", "H2:J2", "A2:A3", "B2:B3", "K2:K3", "L2:L3", "A10:L10"):
        ws.merge_cells(rng)
    f = tmp_path / "西河乡2025年12月农村低保花名册.xlsx"
    wb.save(f)
    report = _ingest(dibao, f)
    assert report["row_errors"] == [], [(e["row"], e["col"], e["reason"]) for e in report["row_errors"]]
    assert any("成员身份证号为空" in w for w in _warnings(report))
    show = dibao.json("household", "show", head)
    assert show["head"]["id_number"] == head and show["township"] == "西河乡" and show["type"] == "农村"
    members = {m["name"]: m for m in show["members"]}
    assert set(members) == {"甲", "乙", "丙", "丁"}
    assert members["丁"]["id_number"] in (None, "") and members["丁"]["relation"] == "女"
    assert members["乙"]["disability"] == "肢体三级" and members["乙"]["id_number"] == wife
    s = dibao.json("stats", "--year", "2025")
    assert (s["households_end"], s["persons_end"], s["disabled_persons"]) == (2, 5, 1)


def test_name_and_id_columns_without_roles_are_read_by_their_place(dibao, tmp_path: Path) -> None:
    """姓名 | 身份证号 | 家庭成员姓名 | 关系 | 成员身份证号码: the first pair is the household's head."""
    head, wife = person_id("19580101", seq=21), person_id("19590202", seq=22, male=False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["城关街道2025年12月城市低保花名册"])
    ws.append(["序号", "社区", "姓名", "身份证号", "家庭成员姓名", "关系", "成员身份证号码", "保障人口", "月保障金额"])
    ws.append([1, "东门社区", "甲", head, "甲", "户主", head, 2, 1260])
    ws.append(["", "", "", "", "乙", "配偶", wife, "", ""])
    for rng in ("A3:A4", "B3:B4", "C3:C4", "D3:D4", "H3:H4", "I3:I4"):  # household cells merged over the members
        ws.merge_cells(rng)
    f = tmp_path / "城关街道城市低保花名册2025年12月.xlsx"
    wb.save(f)
    assert _ingest(dibao, f)["row_errors"] == []
    show = dibao.json("household", "show", head)
    assert sorted(m["id_number"] for m in show["members"]) == sorted([head, wife])
    assert (show["head"]["name"], show["persons"], show["type"]) == ("甲", 2, "城市")
    assert len(dibao.json("household", "list")["households"]) == 1


def test_disability_and_cadre_relatives_in_the_words_offices_use(dibao, tmp_path: Path) -> None:
    from archiver.rosters import values as v

    assert v.disability("肢体", "三级") == "肢体三级" and v.disability("无", "") == ""
    for said in ("村干部近亲属", "户主与村委会委员金某系姑侄关系", "村主任之子", "系村支书王某的女婿", "干部亲属（已备案）",
                 "村干部家属"):
        assert v.cadre_mark(said), said
    for said in ("", "非村干部近亲属", "无", "外出务工", "户主长期患病"):
        assert not v.cadre_mark(said), said
    ids = [person_id(f"196{i}0101", seq=30 + i) for i in range(6)]
    rows = [["南坪乡2025年12月农村低保花名册"],
            ["户主姓名", "身份证号", "保障人数", "月保障金额", "残疾类别", "残疾等级", "残疾证号", "是否村干部近亲属", "备注"],
            ["甲", ids[0], 1, 300, "肢体", "三级", "", "", ""],
            ["乙", ids[1], 1, 300, "一级残疾", "", "", "", "户主与村委会主任王某系叔侄关系"],
            ["丙", ids[2], 1, 300, "", "", "43000019600101001X11", "", ""],
            ["丁", ids[3], 1, 300, "无", "", "", "否", "非村干部近亲属"],
            ["戊", ids[4], 1, 300, "", "", "", "是", ""],
            ["己", ids[5], 1, 300, "", "", "", "", "外出务工"]]
    _ingest(dibao, write_xlsx(tmp_path / "南坪乡2025年12月农村低保花名册.xlsx", rows))
    s = dibao.json("stats", "--year", "2025")
    assert (s["disabled_persons"], s["cadre_relatives"]) == (3, 2)
    shown = {dibao.json("household", "show", i)["members"][0]["disability"] for i in ids[:3]}
    assert shown == {"肢体三级", "一级残疾", "持残疾证"}
    # a roster with no disability column says it in 健康状况
    more = [person_id(f"197{i}0101", seq=60 + i) for i in range(3)]
    _ingest(dibao, write_xlsx(tmp_path / "北山乡2025年12月农村低保花名册.xlsx", [
        ["户主姓名", "身份证号", "保障人数", "月保障金额", "健康状况"],
        ["庚", more[0], 1, 300, "肢体残疾三级"], ["辛", more[1], 1, 300, "健康"], ["壬", more[2], 1, 300, "无残疾"]]))
    assert dibao.json("stats", "--year", "2025")["disabled_persons"] == 4


def test_a_check_digit_slip_is_settled_by_the_archive_never_by_arithmetic(dibao, tmp_path: Path) -> None:
    head, wife, kid = person_id("19700101", seq=41), person_id("19710101", seq=42, male=False), person_id(
        "20150101", seq=43)
    other = person_id("19650101", seq=44)
    # the payment sheet knows the head under the right number
    _ingest(dibao, write_xlsx(tmp_path / "东山镇2025年1月低保发放表.xlsx", [
        ["户主姓名", "身份证号", "发放金额", "发放月份"], ["甲", head, 900, "2025-01"]]))

    def slip(n: str) -> str:  # one digit typed wrong, the check digit left as it was
        return n[:10] + str((int(n[10]) + 1) % 10) + n[11:]

    assert slip(head) != head and bad_check_digit(wife) != wife
    report = _ingest(dibao, write_xlsx(tmp_path / "东山镇2025年12月农村低保花名册.xlsx", [
        ["户主姓名", "户主身份证号", "成员姓名", "关系", "成员身份证号", "保障人数", "月保障金额"],
        ["甲", slip(head), "甲", "户主", slip(head), 3, 900],  # the head: the household on file
        ["甲", slip(head), "乙", "配偶", bad_check_digit(wife), 3, 900],  # nobody on file: kept as written
        ["甲", slip(head), "丙", "子", kid, 3, 900],
        ["甲", slip(head), "丙", "子", bad_check_digit(kid), 3, 900],  # 丙 again, validly listed above: refused
        ["丁", other, "丁", "户主", other, 1, 300]]))
    assert [e["row"] for e in report["row_errors"]] == [5]
    assert "同户已列出同名成员" in report["row_errors"][0]["reason"]
    warned = _warnings(report)
    assert sum("按档案号码导入" in w for w in warned) == 1 and sum("已按所写导入" in w for w in warned) == 1
    households = dibao.json("household", "list")["households"]
    assert len(households) == 2
    show = dibao.json("household", "show", head)
    assert sorted(m["name"] for m in show["members"]) == ["丙", "乙", "甲"]
    assert show["head"]["id_number"] == head
    # a household first filed under a slipped head number takes the valid one when it arrives
    new_head = person_id("19800101", seq=45)
    _ingest(dibao, write_xlsx(tmp_path / "西河乡2025年11月农村低保花名册.xlsx", [
        ["户主姓名", "身份证号", "保障人数", "月保障金额"], ["戊", bad_check_digit(new_head), 1, 400]]))
    _ingest(dibao, write_xlsx(tmp_path / "西河乡2025年12月农村低保花名册.xlsx", [
        ["户主姓名", "身份证号", "保障人数", "月保障金额"], ["戊", new_head, 1, 400]]))
    assert len(dibao.json("household", "list")["households"]) == 3
    assert dibao.json("household", "show", new_head)["head"]["id_number"] == new_head


def test_type_from_the_village_else_reported_as_unknown(dibao, tmp_path: Path) -> None:
    ids = [person_id(f"195{i}0101", seq=50 + i) for i in range(3)]
    _ingest(dibao, write_xlsx(tmp_path / "花名册.xlsx", [
        ["乡镇", "村(社区)", "户主姓名", "身份证号", "保障人数", "月保障金额", "纳入日期"],
        ["东山镇", "东风社区", "甲", ids[0], 1, 700, "2024-05-01"],
        ["东山镇", "红旗村", "乙", ids[1], 2, 900, "2024-05-01"],
        ["东山镇", "新区", "丙", ids[2], 1, 500, "2024-05-01"]]))
    s = dibao.json("stats", "--year", "2025")
    assert s["by_type"]["城市"]["households_end"] == 1 and s["by_type"]["农村"]["households_end"] == 1
    assert s["by_type"]["城乡未明"] == {"households_end": 1, "persons_end": 1}
    assert s["type_unknown"] == [dibao.json("household", "show", ids[2])["household_id"]]


def test_township_and_type_from_the_folder_and_file_name_beside_an_empty_column(dibao, tmp_path: Path) -> None:
    folder = tmp_path / "东山镇"
    folder.mkdir()
    a = person_id("19600101", seq=61)
    write_xlsx(folder / "2025年12月农村低保花名册.xlsx", [
        ["乡镇", "村", "户主姓名", "身份证号", "保障人数", "月保障金额"], ["", "柳塘村", "甲", a, 1, 300]])
    report = _ingest(dibao, folder)
    assert report["archived"] == 1 and report["row_errors"] == []
    show = dibao.json("household", "show", a)
    assert (show["township"], show["type"]) == ("东山镇", "农村")


def test_members_packed_in_one_cell_with_their_ids_in_another(dibao, tmp_path: Path) -> None:
    a, b, c = person_id("19600101", seq=71), person_id("19610101", seq=72, male=False), person_id("20100101", seq=73)
    d, e = person_id("19500101", seq=74), person_id("19520101", seq=75, male=False)
    report = _ingest(dibao, write_xlsx(tmp_path / "西河乡2025年12月农村低保花名册.xlsx", [
        ["序号", "村", "户主姓名", "家庭成员", "身份证号码", "保障人数", "月保障金额"],
        [1, "杨家村", "甲", "甲(户主),乙(配偶),丙(子)", f"{a}、{b}、{c}", 3, 900],
        [2, "杨家村", "丁", "丁（户主）\n戊（配偶）", f"{d}\n{e}", 2, 600],
        [3, "杨家村", "己", "己(户主)；庚(配偶)", person_id("19700101", seq=76), 2, 600]]))
    assert [(x["row"], "2个成员姓名、1个身份证号" in x["reason"]) for x in report["row_errors"]] == [(4, True)]
    assert not any(x in str(report) for x in (a, b, c))  # no number in any message
    show = dibao.json("household", "show", a)
    assert {m["name"]: (m["id_number"], m["relation"]) for m in show["members"]} == {
        "甲": (a, "户主"), "乙": (b, "配偶"), "丙": (c, "子")}
    assert {m["name"] for m in dibao.json("household", "show", d)["members"]} == {"丁", "戊"}
    s = dibao.json("stats", "--year", "2025")
    assert (s["households_end"], s["persons_end"], s["by_age_band"]["under_18"]) == (2, 5, 1)


def test_a_bank_payment_export_is_placed_by_the_account_on_file(dibao, tmp_path: Path) -> None:
    a, b, c = person_id("19600101", seq=81), person_id("19610101", seq=82), person_id("19620101", seq=83)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_xlsx(inbox / "东山镇2025年12月农村低保花名册.xlsx", [
        ["村", "户主姓名", "身份证号", "保障人数", "月保障金额", "一卡通账号"],
        ["柳塘村", "甲", a, 1, 300, "6217000011112222"],
        ["柳塘村", "乙", b, 2, 500, "6217000033334444"],
        ["柳塘村", "丙", c, 2, 500, "6217000033334444"]])  # one account on two households: never a guess
    # the bank's file of March sorts before the December roster by period: it is still placed after it
    write_xlsx(inbox / "代发明细20250310.xlsx", [
        ["样例县农商银行代发明细"],
        ["序号", "账号", "户名", "金额", "摘要", "交易状态"],
        [1, "6217000011112222", "甲", 300, "2025年3月低保金", "成功"],
        [2, "6217000033334444", "乙", 500, "2025年3月低保金", "成功"],
        [3, "6217000099990000", "丁", 400, "2025年3月低保金", "成功"],
        [4, "6217 0000 1111 2222", "甲", 300, "2025年2月低保金", "失败：户名不符"]])
    report = _ingest(dibao, inbox)
    assert [f["source_name"] for f in report["files"]] == ["东山镇2025年12月农村低保花名册.xlsx", "代发明细20250310.xlsx"]
    f = report["files"][1]
    assert (f["outcome"], f["kind"], f["detail"]["payments"]) == ("archived", "disbursement", 1)
    reasons = {e["row"]: e["reason"] for e in report["row_errors"]}
    assert set(reasons) == {4, 5, 6}
    assert "2户登记了同一账号" in reasons[4] and "没有哪一户" in reasons[5] and "转账未成功" in reasons[6]
    assert "6217000033334444" not in str(report)  # accounts never appear in messages
    s = dibao.json("stats", "--year", "2025")
    assert s["disbursed_by_quarter"][0] == 300.0
    assert dibao.json("household", "show", a)["payments"] == [{"period": "2025-03~2025-03", "amount": 300.0}]


def test_a_sheet_per_village_and_a_summary_sheet_are_counted_once(dibao, tmp_path: Path) -> None:
    ids = [person_id(f"1960010{i}", seq=90 + i) for i in range(1, 5)]
    rows = [["杨家村", "甲", ids[0], 300, 300, 300, 900], ["杨家村", "乙", ids[1], 400, 400, 400, 1200],
            ["花园村", "丙", ids[2], 500, 500, 500, 1500], ["花园村", "丁", ids[3], 200, 200, 200, 600]]
    header = ["村", "户主姓名", "身份证号", "一月", "二月", "三月", "季度合计"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    for r in [["西河乡2025年第一季度低保金发放表"], header, *rows]:
        ws.append(r)
    for village in ("杨家村", "花园村"):
        w = wb.create_sheet(village)
        for r in [["西河乡2025年第一季度低保金发放表"], header, *[x for x in rows if x[0] == village]]:
            w.append(r)
    f = tmp_path / "西河乡2025年第一季度低保金发放表.xlsx"
    wb.save(f)
    report = _ingest(dibao, f)
    notes = [n for s in report["files"][0]["detail"]["sheets"] for n in s["notes"]]
    assert any("「汇总」" in n and "未重复计入" in n for n in notes)
    assert dibao.json("stats", "--year", "2025")["disbursed_total"] == 4200.0


def test_legacy_xls_with_a_grouped_header_and_a_wps_file(dibao, tmp_path: Path) -> None:
    import xlwt

    head, wife = person_id("19600101", seq=95), person_id("19620101", seq=96, male=False)
    wb = xlwt.Workbook()
    ws = wb.add_sheet("2025年12月")
    ws.write_merge(0, 0, 0, 6, "南坪乡2025年12月农村低保花名册")
    ws.write_merge(1, 1, 0, 1, "户主信息")
    ws.write_merge(1, 1, 2, 4, "家庭成员信息")
    ws.write_merge(1, 2, 5, 5, "保障人数")
    ws.write_merge(1, 2, 6, 6, "月保障金额")
    for c, t in enumerate(["姓名", "身份证号", "姓名", "关系", "身份证号"]):
        ws.write(2, c, t)
    for r, row in enumerate([["甲", head, "甲", "户主", head, 2, 800], ["", "", "乙", "配偶", wife, "", ""]], start=3):
        for c, x in enumerate(row):
            ws.write(r, c, x)
    xls = tmp_path / "南坪乡2025年12月农村低保花名册.xls"
    wb.save(str(xls))
    report = _ingest(dibao, xls)
    assert report["archived"] == 1 and report["row_errors"] == []
    show = dibao.json("household", "show", head)
    assert sorted(m["id_number"] for m in show["members"]) == sorted([head, wife])
    assert (show["township"], show["persons"]) == ("南坪乡", 2)
    # WPS saves its own binary workbook (.et) in the same format: read by its content, not its name
    other = person_id("19580101", seq=97)
    et = xlwt.Workbook()
    sheet = et.add_sheet("Sheet1")
    for r, row in enumerate([["户主姓名", "身份证号", "保障人数", "月保障金额"], ["丙", other, 1, 400]]):
        for c, x in enumerate(row):
            sheet.write(r, c, x)
    wps = tmp_path / "南坪乡2025年12月农村低保花名册（WPS）.et"
    et.save(str(wps))
    out = _ingest(dibao, wps)["files"][0]
    assert (out["outcome"], out["kind"]) == ("archived", "roster")
    assert dibao.json("household", "show", other)["township"] == "南坪乡"


def test_group_labels_written_once_in_a_csv_settle_whose_id_each_column_is(dibao, tmp_path: Path) -> None:
    from tests.builders import write_csv

    head, son = person_id("19600101", seq=98), person_id("20120101", seq=99)
    write_csv(tmp_path / "南湖镇2025年12月农村低保花名册.csv", [
        ["序号", "村", "户主信息", "", "家庭成员信息", "", "", "保障信息", ""],
        ["", "", "户主姓名", "身份证号码", "家庭成员姓名", "关系", "成员公民身份号码", "保障人数", "月保障金额"],
        [1, "一村", "甲", head, "甲", "户主", head, 2, 600],
        ["", "", "", "", "乙", "子", son, "", ""],
    ], encoding="gbk")
    assert _ingest(dibao, tmp_path / "南湖镇2025年12月农村低保花名册.csv")["row_errors"] == []
    show = dibao.json("household", "show", head)
    assert sorted(m["id_number"] for m in show["members"]) == sorted([head, son]) and show["persons"] == 2


def test_class_in_chinese_numerals_and_the_last_review_a_roster_records(dibao, tmp_path: Path) -> None:
    """一类/二类/三类 in a 分类 column are the A/B/C review class in a 差额 county; a 最近复核时间 column is the
    household's latest review (a 复核 on its timeline), so the review clock runs from it; staff find a class in a
    village by typing 村名 B类."""
    a, b, c = person_id("19400101", seq=21), person_id("19700303", seq=22), person_id("19800505", seq=23)
    path = write_xlsx(tmp_path / "柳河镇2025年12月农村低保花名册.xlsx", [
        ["柳河镇2025年12月农村低保花名册"],
        ["序号", "村(社区)", "户主姓名", "公民身份号码", "保障人数", "分类", "月保障金额", "纳入时间", "最近复核时间"],
        [1, "高山村", "甲一", a, 1, "一类", 380, "2017年4月18日", "2025年7月8日"],
        [2, "高山村", "乙二", b, 1, "二类", 300, "2020年1月2日", "2025年9月1日"],
        [3, "李家村", "丙三", c, 1, "三类", 200, "2021年3月4日", "2025年3月1日"]])
    _ingest(dibao, path)
    shown = {k: dibao.json("household", "show", k) for k in (a, b, c)}
    assert [shown[k]["category"] for k in (a, b, c)] == ["A", "B", "C"]
    assert [e["date"] for e in shown[a]["events"] if e["kind"] == "复核"] == ["2025-07-08"]
    # A yearly, B half-yearly, C quarterly: on 31 Dec only the C household (reviewed 1 March) is overdue
    assert dibao.json("stats", "--year", "2025")["overdue_reviews"] == 1
    found = dibao.json("search", "高山村 B类")["results"]
    assert [r["household_id"] for r in found] == [shown[b]["household_id"]]
