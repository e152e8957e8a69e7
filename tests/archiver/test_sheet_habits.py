"""Real xlsx files with the habits of other offices, one habit per test, through the CLI."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from stdnum.cn import ric

from tests.builders import person_id, write_xlsx
from tests.conftest import DIBAO, ROOT

pytestmark = pytest.mark.cli


def _id_ending_000() -> str:
    """A checksum-valid number that ends in 000, as Excel leaves a truncated one when the digit happens to fit."""
    day = dt.date(1960, 1, 1)
    while True:
        for s in range(10):
            body = f"520102{day:%Y%m%d}{s}00"
            if ric.calc_check_digit(body + "0") == "0":
                return body + "0"
        day += dt.timedelta(days=1)


def test_a_cell_at_xfd1048576_cannot_kill_the_process(dibao, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["户主姓名", "身份证号码", "保障人数", "月保障金额"])
    ws.append(["甲", person_id("19600101", seq=3), 1, 300])
    ws["XFD1048576"] = "x"
    far = tmp_path / "inbox" / "远处单元格.xlsx"
    far.parent.mkdir()
    wb.save(far)
    assert far.stat().st_size < 8000
    # a sheet whose declared range is a million rows but which holds ten
    ten = write_xlsx(tmp_path / "ten.xlsx", [["户主姓名", "身份证号码", "保障人数", "月保障金额"]]
                     + [[f"户{i}", person_id("19600101", seq=10 + i), 1, 300] for i in range(10)])
    with zipfile.ZipFile(ten) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('<dimension ref="A1:D11"/>', '<dimension ref="A1:XFD1048576"/>').encode()
    assert b"XFD1048576" in parts["xl/worksheets/sheet1.xml"]
    declared = tmp_path / "inbox" / "声明百万行.xlsx"
    with zipfile.ZipFile(declared, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    # the peak memory of this one ingest, measured by a wrapper process (this test process has had other children)
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "sys.stderr.write(r.stderr); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); sys.exit(r.returncode)")
    r = subprocess.run([sys.executable, "-c", wrapper, *DIBAO, "--home", str(dibao.home), "ingest", str(far.parent),
                        "--json"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    peak_mb = int(r.stdout.strip().splitlines()[-1])
    assert peak_mb < 600, peak_mb  # reading the declared range would take hundreds of GB
    items = dibao.json("quarantine", "list")["items"]
    assert [i["source_name"] for i in items] == ["远处单元格.xlsx"]
    assert "1048576行×16384列" in items[0]["reason"] and "上限" in items[0]["reason"]
    assert len(dibao.json("household", "list")["households"]) == 10
    print(f"far-cell ingest: peak {peak_mb} MB", file=sys.stderr)


def test_old_15_digit_ids_truncated_ids_sex_and_identity(dibao, tmp_path: Path) -> None:
    head = person_id("19700101", seq=21)
    suspect = _id_ending_000()
    old18 = "52010219380517122"
    old18 += ric.calc_check_digit(old18 + "0")
    old15 = old18[:6] + old18[8:17]
    write_xlsx(tmp_path / "roster.xlsx", [
        ["某镇2025年12月农村低保花名册"],
        ["户编号", "户主姓名", "户主身份证号", "成员姓名", "成员身份证号", "与户主关系", "性别", "就业状况", "保障人数", "月保障金额"],
        ["5201029990001", "甲", head, "甲", head, "户主", "男", "灵活就业", 3, 600],
        ["5201029990001", "甲", head, "乙", old15, "母亲", "女", "无劳动能力", 3, 600],
        ["5201029990001", "甲", head, "丙", suspect, "女", "女性", "学生", 3, 600],
    ])
    report = dibao.json("ingest", str(tmp_path / "roster.xlsx"))
    assert report["row_errors"] == []
    warnings = report["files"][0]["detail"]["warnings"]
    assert len(warnings) == 1 and "000" in warnings[0]["reason"] and suspect not in warnings[0]["reason"]
    members = {m["name"]: m for m in dibao.json("household", "show", "5201029990001")["members"]}
    assert members["乙"]["id_number"] == old18 and members["乙"]["id_original"] == old15
    assert (members["甲"]["sex"], members["甲"]["identity"]) == ("男", "灵活就业")
    assert (members["丙"]["sex"], members["丙"]["identity"]) == ("女", "学生")
    assert dibao.json("household", "show", old15)["household_id"] == "5201029990001"  # the old number finds them too
    findings = dibao.json("inspect", "--year", "2025")["findings"]
    truncated = [f for f in findings if f["code"] == "suspect_truncated_id"]
    assert [f["households"] for f in truncated] == [["5201029990001"]] and suspect not in truncated[0]["message"]


def test_change_list_with_decision_date_and_effective_month(dibao, tmp_path: Path) -> None:
    a, b = person_id("19650101", seq=31), person_id("19660101", seq=32)
    write_xlsx(tmp_path / "变动.xlsx", [
        ["东山镇2025年低保对象变动名册"],
        ["序号", "户主姓名", "身份证号码", "变动类型", "审批日期", "执行月份", "变动前人数", "变动后人数", "调整前金额", "调整后金额"],
        [1, "甲", a, "新增", "2024-12-20", "2025.01", 0, 2, 0, 500],
        [2, "乙", b, "新增", "", "2025年3月", 0, 1, 0, 300],
        [3, "甲", a, "调增", "2025年6月8日", "2025-07", 2, 2, 500, 560],
    ])
    dibao("ingest", str(tmp_path / "变动.xlsx"), "--quiet")
    events = dibao.json("household", "show", a)["events"]
    assert [(e["date"], e["effective_month"], e["kind"]) for e in events] == [
        ("2024-12-20", "2025-01", "新增"), ("2025-06-08", "2025-07", "调增")]
    s24, s25 = dibao.json("stats", "--year", "2024"), dibao.json("stats", "--year", "2025")
    assert (s24["new_households"], s25["new_households"], s25["new_persons"], s25["increased"]) == (1, 1, 1, 1)
    assert dibao.json("household", "show", b)["events"][0]["date"] == "2025-03-01"  # only a month: the month
    assert dibao.json("household", "list")["households"][0]["township"] == "东山镇"  # from the title


def test_wide_sheet_months_must_add_up_and_the_total_row_is_no_household(dibao, tmp_path: Path) -> None:
    a, b = person_id("19500101", seq=41), person_id("19510101", seq=42)
    write_xlsx(tmp_path / "西山镇2025年第三季度低保金发放表.xlsx", [
        ["西山镇2025年第三季度低保金发放表"],
        ["序号", "村", "领款人", "身份证号", "一卡通账号", "7月", "8月", "9月", "小计"],
        [1, "一村", "甲", a, "6217000000000000011", 300, 300, 300, 900],
        [2, "二村", "乙", b, "6217000000000000022", 200, 200, 200, 700],
        ["合计", "", "", "", "", 500, 500, 500, 1600],
    ])
    r = dibao("ingest", str(tmp_path))
    assert "各月金额之和600.00元与小计700.00元不符" in r.stdout
    s = dibao.json("stats", "--year", "2025", "--scope", "西山镇")
    assert s["disbursed_by_quarter"] == [0.0, 0.0, 900.0, 0.0]
    assert len(dibao.json("household", "list")["households"]) == 1


def test_category_header_decided_by_values_and_wrong_mappings_quarantined_with_diagnosis(dibao, tmp_path: Path) -> None:
    rows = [["某乡2025年12月低保花名册"], ["户主姓名", "户主身份证号", "类别", "保障人数", "月保障金额"]]
    rows += [[f"户{i}", person_id("19550101", seq=50 + i), "城市低保" if i % 2 else "农村低保", 1, 300] for i in range(6)]
    (tmp_path / "a").mkdir()
    write_xlsx(tmp_path / "a" / "类别.xlsx", rows)
    members = [["某乡2025年12月低保花名册"],
               ["户编号", "户主身份证号", "成员姓名", "名字", "成员身份证号", "与户主关系", "保障人数"]]
    for i in range(8):
        pid = person_id("19560101", seq=60 + i)
        members.append([f"52010211{i:05d}", pid, "", f"人{i}", pid, "户主", 1])
    (tmp_path / "b").mkdir()
    write_xlsx(tmp_path / "b" / "姓名错列.xlsx", members)
    report = dibao.json("ingest", str(tmp_path))
    listed = dibao.json("household", "list")["households"]
    assert sorted(h["type"] for h in listed) == ["农村"] * 3 + ["城市"] * 3 and all(h["category"] is None for h in listed)
    notes = next(f for f in report["files"] if f["source_name"].endswith("类别.xlsx"))["detail"]["sheets"][0]["notes"]
    assert notes == ["列「类别」按内容读作城乡类别"]
    refused = next(f for f in report["files"] if f["source_name"].endswith("姓名错列.xlsx"))
    assert refused["outcome"] == "quarantined"
    assert "列对应有误" in refused["reason"] and "成员姓名" in refused["reason"] and "8行" in refused["reason"]
    assert report["row_errors"] == []  # not eight row errors


def test_unknown_header_lists_known_names_and_policy_columns_extend_them(dibao, tmp_path: Path) -> None:
    pid = person_id("19570101", seq=71)
    f = write_xlsx(tmp_path / "表.xlsx", [["名字", "证件号", "享受人口数目", "每月钱数"], ["甲", pid, 2, 400]])
    dibao("ingest", str(f), "--quiet")
    reason = dibao.json("quarantine", "list")["items"][0]["reason"]
    assert "不认识的列：名字、证件号" in reason and "户主姓名：户主姓名、户主" in reason and "[columns]" in reason
    policy = dibao.home / "policy.toml"
    policy.write_text(policy.read_text(encoding="utf-8") + '\n[columns]\nhead_name = ["名字"]\n"身份证号" = ["证件号"]\n'
                      'persons = ["享受人口数目"]\namount = ["每月钱数"]\n', encoding="utf-8")
    dibao("ingest", str(f), "--quiet")
    listed = dibao.json("household", "list")["households"]
    assert [(h["head"]["id_number"], h["persons"], h["monthly_amount"]) for h in listed] == [(pid, 2, 400)]


def test_place_names_already_in_an_older_catalog_are_folded_by_the_migration(tmp_path: Path) -> None:
    import sqlite3

    from archiver.catalog import Catalog
    from archiver.catalog.schema import MIGRATIONS

    path = tmp_path / "catalog.sqlite"
    db = sqlite3.connect(path)  # a catalog as dibao left it before migration 6
    for version, sql in MIGRATIONS:
        if version <= 5:
            for statement in sql.split(";\n"):
                if statement.strip():
                    db.execute(statement)
    db.execute("PRAGMA user_version=5")
    db.execute("INSERT INTO households(household_no, township, village, created_at, updated_at) "
               "VALUES ('1', '東山鎮人民政府', '紅旗村委會', 'x', 'x')")
    db.execute("INSERT INTO users(name, password_hash, role, area, created_at) "
               "VALUES ('张三', 'x', 'village', '東山鎮/紅旗村委會', 'x')")
    db.commit()
    db.close()
    cat = Catalog(path)
    assert cat.area_names() == {"东山镇": ["红旗村"]} and cat.schema_version() >= 6
    assert cat.user("张三")["area"] == "东山镇/红旗村"


def test_sources_that_contradict_each_other_are_row_errors_not_guesses(dibao, tmp_path: Path) -> None:
    folder = tmp_path / "西山镇"
    folder.mkdir()
    write_xlsx(folder / "花名册.xlsx", [
        ["东山镇2025年12月农村低保花名册"],
        ["户主姓名", "户主身份证号", "保障人数", "月保障金额"],
        ["甲", person_id("19580101", seq=81), 1, 300],
        ["乙", person_id("19580102", seq=82), 2, 500],
    ])
    r = dibao("ingest", str(folder))
    assert r.stdout.count("乡镇无法确定：标题为东山镇，文件夹为西山镇") == 2
    assert dibao.json("household", "list")["households"] == []


def test_month_headers_and_grouped_before_after_columns(dibao, tmp_path: Path) -> None:
    from archiver.rosters.header import month_of

    assert [month_of(h) for h in ("2025年1月", "7月", "第3月", "2025-07", "十二月", "12月份", "2025年1月5日", "月保障金额")] == [
        (2025, 1), (None, 7), (None, 3), (2025, 7), (None, 12), (None, 12), None, None]
    assert month_of("1月", "2025年发放金额") == (2025, 1)
    a = person_id("19620101", seq=91)
    write_xlsx(tmp_path / "变动.xlsx", [
        ["北坡乡2025年低保变动表"],
        ["户主姓名", "身份证号", "变动类型", "批准时间", "变动前", "变动前", "变动后", "变动后"],
        ["", "", "", "", "人数", "金额", "人数", "金额"],
        ["甲", a, "调减", "2025-05-06", 3, 900, 2, 600],
    ])
    dibao("ingest", str(tmp_path / "变动.xlsx"), "--quiet")
    e = dibao.json("household", "show", a)["events"][0]
    assert (e["kind"], e["date"], e["old_persons"], e["persons"], e["old_amount"], e["amount"]) == (
        "调减", "2025-05-06", 3, 2, 900, 600)


def test_group_labels_written_once_over_their_columns_in_a_csv(dibao, tmp_path: Path) -> None:
    from tests.builders import write_csv

    head, wife = person_id("19600101", seq=93), person_id("19620101", seq=94, male=False)
    write_csv(tmp_path / "花名册.csv", [
        ["南湖镇2025年12月农村低保花名册"],
        ["序号", "户主信息", "", "家庭成员信息", "", "", "保障信息", ""],
        ["", "姓名", "身份证号", "姓名", "身份证号", "与户主关系", "保障人数", "月保障金额"],
        [1, "甲", head, "甲", head, "户主", 2, 600],
        [2, "甲", head, "乙", wife, "配偶", 2, 600],
    ], encoding="gbk")
    dibao("ingest", str(tmp_path / "花名册.csv"), "--quiet")
    show = dibao.json("household", "show", head)
    assert sorted(m["id_number"] for m in show["members"]) == sorted([head, wife])
    assert (show["township"], show["type"], show["head"]["id_number"]) == ("南湖镇", "农村", head)


def test_approval_date_beside_an_effective_date_is_the_decision(dibao, tmp_path: Path) -> None:
    a = person_id("19640101", seq=95)
    write_xlsx(tmp_path / "变动.xlsx", [
        ["北坡乡低保变动表"],
        ["户主姓名", "身份证号", "变动类型", "审批日期", "生效日期", "现金额"],
        ["甲", a, "新增", "2024-12-28", "2025-01-01", 500],
    ])
    dibao("ingest", str(tmp_path / "变动.xlsx"), "--quiet")
    e = dibao.json("household", "show", a)["events"][0]
    assert (e["date"], e["effective_month"]) == ("2024-12-28", "2025-01")
