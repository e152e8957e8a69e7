"""Findings an inspector would sign (issue 24, item 6), through the CLI on real rosters, sheets and PDFs:
no false missing_step for a household approved before the year, no amount_mismatch under one rounding
step (one county note for paying to the fen), one finding per household-period of overpaid money, the
materials list that follows [cases], the types every office files, 15-digit ID numbers in scanned text,
未分类 households on the review plan, 停保 公示 lengths where local rules require them."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import classify, idcard
from archiver.policy import DEFAULT_TEXT, parse
from tests.builders import person_id, roster_rows, write_xlsx
from tests.casepacks import CHANGE_HEADER, PAY_HEADER, _pdf

pytestmark = pytest.mark.cli


def _findings(dibao, year: str = "2025") -> list[dict]:
    return dibao.json("inspect", "--year", year)["findings"]


def _of(findings: list[dict], key: str) -> set[str]:
    return {f["code"] for f in findings if key in f["households"]}


def _set_policy(dibao, old: str, new: str) -> None:
    p = dibao.home / "policy.toml"
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new), encoding="utf-8")


def test_a_refiled_approval_form_of_a_household_approved_in_2017_is_no_new_application(dibao, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    old = ("老审批", person_id("19500505", seq=41))
    new = ("新申请", person_id("19600606", seq=42))
    write_xlsx(folder / "花名册.xlsx", roster_rows([
        {"no": "520102000101", "township": "测试镇", "village": "一村", "members": [(old[0], old[1], "户主")],
         "approved": "2017-04-01", "category": "A"}]))
    # the 2017 household's 审批表 re-scanned in 2025, and a real 2025 application with no 入户调查
    (folder / "审批表.pdf").write_bytes(_pdf(["最低生活保障审核确认表", f"户主：{old[0]}  身份证号：{old[1]}",
                                            "审批意见：同意", "审批日期：2025年5月6日"]))
    write_xlsx(folder / "变动.xlsx", [["测试镇2025年低保对象变动情况表"], CHANGE_HEADER,
                                     [1, "测试镇", "一村", new[0], new[1], "新增", "2025-04-28", 0, 1, 0, 500, "新申请"]])
    (folder / "申请.pdf").write_bytes(_pdf(["最低生活保障申请书", f"申请人：{new[0]}  身份证号：{new[1]}",
                                          "申请日期：2025年4月1日"]))
    dibao("ingest", str(folder), "--quiet")
    old_key = dibao.json("household", "show", old[1])["household_id"]
    new_key = dibao.json("household", "show", new[1])["household_id"]
    findings = _findings(dibao)
    assert "missing_step" not in _of(findings, old_key)
    assert "case_overdue" not in _of(findings, old_key)
    cases = dibao.json("household", "show", old[1])["cases"]
    assert not any(s["step"] == "审批" and (s["date"] or "").startswith("2025") for c in cases for s in c["steps"])
    # the planted fault is still found: the 2025 application without its 入户调查
    missing = next(f for f in findings if f["code"] == "missing_step" and new_key in f["households"])
    assert "入户调查" in missing["detail"]["steps"]


def _county_with_payments(folder: Path, rows: list[tuple[str, str, float, list[tuple[str, float]]]]) -> dict[str, str]:
    """rows: (name, approved, monthly amount, [(period, paid)]) → name → ID number."""
    folder.mkdir(parents=True, exist_ok=True)
    change: list[list[object]] = [["测试镇低保对象变动情况表"], CHANGE_HEADER]
    pay: list[list[object]] = [["测试镇2025年低保金发放花名册"], PAY_HEADER]
    ids = {}
    for i, (name, approved, amount, payments) in enumerate(rows):
        idn = person_id(f"196{i}0101", seq=50 + i)
        ids[name] = idn
        change.append([i + 1, "测试镇", "东村", name, idn, "新增", approved, 0, 3, 0, amount, "新申请"])
        for period, paid in payments:
            pay.append([len(pay) - 1, "测试镇", "东村", name, idn, 3, period, paid, f"62280000000000{i:05d}"])
    write_xlsx(folder / "变动.xlsx", change)
    write_xlsx(folder / "发放.xlsx", pay)
    return ids


def test_paying_to_the_fen_is_one_note_and_a_real_difference_is_still_found(dibao, tmp_path: Path) -> None:
    quarters = ["2025年1-3月", "2025年4-6月", "2025年7-9月", "2025年10-12月"]
    ids = _county_with_payments(tmp_path / "p", [
        ("分发甲", "2024-05-10", 1677, [(q, 5031.99) for q in quarters]),   # 1,677.33 a month, paid to the fen
        ("分发乙", "2024-05-10", 1200, [(q, 3600.30) for q in quarters]),
        ("多发丙", "2024-05-10", 1000, [(q, 3000.0) for q in quarters[:3]] + [(quarters[3], 3090.0)])])
    dibao("ingest", str(tmp_path / "p"), "--quiet")
    findings = _findings(dibao)
    mismatch = [f for f in findings if f["code"] == "amount_mismatch"]
    key = dibao.json("household", "show", ids["多发丙"])["household_id"]
    assert [f["households"] for f in mismatch] == [[key]]
    assert mismatch[0]["detail"]["difference"] == 90.0
    notes = [f for f in findings if f["code"] == "payment_precision"]
    assert len(notes) == 1 and notes[0]["households"] == [] and notes[0]["detail"]["households"] == 2
    assert "精确到分" in notes[0]["message"]
    # a county that rounds to the fen: the same payments are findings
    _set_policy(dibao, 'rounding = "元"', 'rounding = "分"')
    assert {f["code"] for f in _findings(dibao)} >= {"amount_mismatch"}


def test_an_overpayment_seen_by_two_checks_is_one_finding(dibao, tmp_path: Path) -> None:
    ids = _county_with_payments(tmp_path / "o", [("早发丁", "2025-02-19", 600, [("2025年1-3月", 1800.0)])])
    dibao("ingest", str(tmp_path / "o"), "--quiet")
    key = dibao.json("household", "show", ids["早发丁"])["household_id"]
    money = [f for f in _findings(dibao) if key in f["households"]
             and f["code"] in ("paid_before_start", "amount_mismatch", "paid_after_stop")]
    assert [f["code"] for f in money] == ["paid_before_start"], money
    assert money[0]["detail"]["also"][0]["code"] == "amount_mismatch"


def test_the_default_materials_list_follows_the_case_rules() -> None:
    plain = parse(DEFAULT_TEXT).required_documents["在保"]
    assert "民主评议记录" not in plain and "公示记录" in plain and "审批表" in plain
    assert "授权书|承诺书" not in plain
    strict = parse(DEFAULT_TEXT.replace("democratic_review_required = false", "democratic_review_required = true")
                   .replace("authorization_required = false", "authorization_required = true")).required_documents["在保"]
    assert "民主评议记录" in strict and "授权书|承诺书" in strict
    # a home still holding the list an older dibao wrote gets the same reading
    older = DEFAULT_TEXT.replace('"在保" = ["申请书", "入户调查表", "民主评议记录", "公示记录", "审批表", "授权书|承诺书", "身份证|户口簿"]',
                                 '"在保" = ["申请书", "入户调查表", "民主评议记录", "审批表", "身份证|户口簿"]')
    assert older != DEFAULT_TEXT and parse(older).required_documents["在保"] == plain
    # a list the office wrote itself is used as written
    own = DEFAULT_TEXT.replace('"在保" = ["申请书", "入户调查表", "民主评议记录", "公示记录", "审批表", "授权书|承诺书", "身份证|户口簿"]',
                               '"在保" = ["申请书", "民主评议记录"]')
    assert parse(own).required_documents["在保"] == ["申请书", "民主评议记录"]


def test_titles_decide_the_type_and_the_papers_every_office_files_are_known() -> None:
    # dibao's own notice: its body says 入户调查 before the list, the heading says 公示
    notice = ("红旗村拟纳入最低生活保障对象公示\n根据《社会救助暂行办法》和最低生活保障有关规定，经本人申请、入户调查和审核，"
              "现将红旗村拟纳入最低生活保障的对象名单公示如下（共2户5人）：\n序号 户主姓名 …")
    assert classify.doc_type(notice) == "公示记录"
    assert classify.doc_type("红旗村拟停发最低生活保障金对象公示\n经核查，以下家庭…") == "公示记录"
    assert classify.doc_type("最低生活保障审核确认表\n户主：张三\n公示情况：公示期2025年3月1日至3月7日") == "审批表"
    assert classify.doc_type("最低生活保障家庭经济状况入户调查表\n户主：张三\n家庭成员残疾证号……") == "入户调查表"
    known = {
        "中华人民共和国残疾人证\n残疾类别：肢体": "残疾证",
        "家庭经济状况核对授权书\n本人及家庭成员同意": "授权书",
        "居民死亡医学证明（推断）书\n死亡日期": "死亡/火化证明",
        "火化证明\n逝者姓名": "死亡/火化证明",
        "某某县人民医院\n住院病历\n入院诊断": "医疗票据/病历",
        "江西省医疗收费票据\n金额合计": "医疗票据/病历",
        "居民户口簿\n户主姓名": "户口簿",
        "中华人民共和国居民身份证\n公民身份号码": "身份证",
        "不动产权证书\n权利人": "房产/车辆",
        "机动车行驶证\n号牌号码": "房产/车辆",
        "结婚证\n持证人": "婚姻证明",
        "离婚证\n持证人": "婚姻证明",
        "在校证明\n兹证明该生系我校学生": "学籍/在校证明",
    }
    for text, want in known.items():
        assert classify.doc_type(text) == want, (text, classify.doc_type(text))
        assert want in classify.ALL_TYPES


def test_a_15_digit_number_in_scanned_text_files_the_page(dibao, tmp_path: Path) -> None:
    old15 = "520102650312123"
    full = idcard.parse(old15).number
    assert idcard.find_all(f"户口簿 身份证号：{old15} 签发") == [full]
    assert idcard.find_all("账号 6228480402564890018") == []  # a bank account is no ID number
    folder = tmp_path / "r"
    folder.mkdir()
    write_xlsx(folder / "花名册.xlsx", roster_rows([
        {"no": "520102000201", "township": "测试镇", "village": "二村", "members": [("旧证号", full, "户主")]}]))
    (folder / "SCAN_0001.pdf").write_bytes(_pdf(["常住人口登记卡", "姓名：旧证号", f"公民身份号码：{old15}"]))
    dibao("ingest", str(folder), "--quiet")
    docs = dibao.json("household", "show", full)["documents"]
    assert any(d["type"] == "户口簿" for d in docs), docs


def test_household_add_keeps_the_15_digit_number_as_printed(dibao, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "花名册.xlsx", roster_rows([
        {"no": "520102000301", "township": "测试镇", "village": "三村", "members": [("在册户", person_id("19550101", seq=61), "户主")]}]))
    dibao("ingest", str(tmp_path / "花名册.xlsx"), "--quiet")
    old15 = "520102700808456"
    dibao("household", "add", "--village", "测试镇/三村", "--name", "新申请人", "--id", person_id("19680101", seq=62),
          "--member", f"老证号,{old15},配偶", "--applied", "2025-06-01")
    shown = dibao.json("household", "show", idcard.parse(old15).number)
    member = next(m for m in shown["members"] if m["name"] == "老证号")
    assert member["id_original"] == old15 and member["id_number"] == idcard.parse(old15).number


def test_a_household_without_class_is_planned_at_the_default_interval_and_flagged(dibao, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "花名册.xlsx", roster_rows([
        {"no": "520102000401", "township": "测试镇", "village": "四村", "members": [("无分类", person_id("19560101", seq=71), "户主")],
         "category": "", "approved": "2023-03-01"}]))
    dibao("ingest", str(tmp_path / "花名册.xlsx"), "--quiet")
    overdue = [f for f in _findings(dibao) if f["code"] == "overdue_review"]
    assert len(overdue) == 1 and "未分类" in overdue[0]["message"] and "12个月" in overdue[0]["message"]


def test_a_stop_notice_shorter_than_the_period_is_found_where_local_rules_require_it(dibao, tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    name, idn = "停保短", person_id("19620202", seq=81)
    write_xlsx(folder / "变动.xlsx", [["测试镇2025年低保对象变动情况表"], CHANGE_HEADER,
                                     [1, "测试镇", "五村", name, idn, "新增", "2023-03-28", 0, 1, 0, 500, "新申请"],
                                     [2, "测试镇", "五村", name, idn, "停保", "2025-09-30", 1, 0, 500, 0, "收入增加"]])
    (folder / "停保公示.pdf").write_bytes(_pdf(["低保对象停保公示", f"户主：{name}  身份证号：{idn}",
                                             "公示时间：自2025年9月10日起至2025年9月12日止"]))
    dibao("ingest", str(folder), "--quiet")
    key = dibao.json("household", "show", idn)["household_id"]
    assert "notice_period_short" not in _of(_findings(dibao), key)  # national default: no rule on it
    _set_policy(dibao, "change_notice_required = []", 'change_notice_required = ["停保", "调整"]')
    short = [f for f in _findings(dibao) if f["code"] == "notice_period_short" and key in f["households"]]
    assert len(short) == 1 and short[0]["detail"]["days"] == 3 and short[0]["detail"]["kind"] == "停保"


def test_per_capita_income_is_over_the_members_living_together_as_policy_chooses() -> None:
    from archiver.catalog.models import Household, Income, Member
    from generators.rules import basis

    h = Household(1, "H1", "测试镇", "一村", "农村", "A", "在保", 500.0, 3, "2024-01-01", members=[
        Member("户主甲", person_id("19700101", seq=1), "户主"),
        Member("配偶乙", person_id("19720101", seq=2, male=False), "配偶"),
        Member("儿子丙", person_id("19950101", seq=3), "子", covered=False, covered_reason="服刑")],
        incomes=[Income("2025-01-01", 900.0, None)])
    default = parse(DEFAULT_TEXT)
    b = basis.compute(h, "2025-06-30", default)
    assert b.income_per_capita == 450.0 and b.income_denominator == "共同生活家庭成员2人"
    every = parse(DEFAULT_TEXT.replace('income_denominator = "共同生活家庭成员"', 'income_denominator = "全部成员"'))
    b = basis.compute(h, "2025-06-30", every)
    assert b.income_per_capita == 300.0 and b.income_denominator == "全部成员3人"


def test_a_household_whose_taper_ran_out_is_due_for_its_stop(dibao, tmp_path: Path) -> None:
    import shutil

    from tests import basis_county

    data = basis_county.build(tmp_path / "county", "差额")
    shutil.copy(tmp_path / "county" / "policy.toml", dibao.home / "policy.toml")
    dibao("ingest", str(tmp_path / "county" / "inbox"), "--quiet")
    taper = data["households"][2]
    steps = dibao.json("cases", "due", "--on", "2026-02-15")["steps"]
    ended = [s for s in steps if s["step"] == "渐退期满"]
    assert [s["head_name"] for s in ended] == [taper["members"][0]["name"]] and ended[0]["kind"] == "停保"
    assert ended[0]["late"] is True
    assert not [s for s in dibao.json("cases", "due", "--on", "2025-10-15")["steps"] if s["step"] == "渐退期满"]
