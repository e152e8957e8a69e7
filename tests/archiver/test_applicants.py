"""A first-time applicant, through the real CLI on real files: the family's 申请书 and 入户调查表 arrive before
any roster names them and wait in quarantine; registering the household files them, the case timeline shows
the application, the 拟纳入 notice posts it, and the change list that approves it numbers the same household.
A 申请书 that says plainly who applies and in which village on file makes the household by itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from dibao.samplescans import render_form, to_jpeg
from tests.builders import person_id, roster_rows, small_county, write_xlsx
from tests.casepacks import CHANGE_HEADER

pytestmark = pytest.mark.ocr

HEAD = ("申新民", person_id("19780405", seq=31))
WIFE = ("申妻子", person_id("19800611", seq=32, male=False))


def _inbox(folder: Path) -> None:
    folder.mkdir(parents=True)
    write_xlsx(folder / "花名册.xlsx", roster_rows(small_county(seed=60, n=2)))
    (folder / "SCAN_0101.jpg").write_bytes(to_jpeg(render_form(
        ["最低生活保障申请书", f"申请人：{HEAD[0]}  身份证号：{HEAD[1]}", "家庭人口：2人",  # no address: staff register
         "本人家庭生活困难，特申请最低生活保障。", "2025年6月2日"])))
    (folder / "SCAN_0102.jpg").write_bytes(to_jpeg(render_form(
        ["最低生活保障家庭经济状况入户调查表", "乡镇：测试镇  村（社区）：一村", f"户主：{HEAD[0]}  身份证号：{HEAD[1]}",
         "调查人：王建国、李秀英", "调查日期：2025年6月9日"])))


def test_register_a_first_time_applicant_then_the_approval_numbers_it(dibao, tmp_path: Path) -> None:
    _inbox(tmp_path / "in")
    dibao("ingest", str(tmp_path / "in"), "--quiet")
    waiting = dibao.json("quarantine", "list")["items"]
    assert len(waiting) == 2  # nobody in the archive has this ID yet

    added = dibao.json("household", "add", "--village", "测试镇/一村", "--name", HEAD[0], "--id", HEAD[1], "--member",
                       f"{WIFE[0]},{WIFE[1]},妻", "--applied", "2025-06-02", "--type", "农村")
    key = added["household_id"]
    assert key.startswith("D") and len(added["filed"]) == 2 and dibao.json("quarantine", "list")["items"] == []
    show = dibao.json("household", "show", HEAD[1])
    assert show["household_id"] == key and show["status"] == "申请中" and len(show["members"]) == 2
    assert sorted(d["type"] for d in show["documents"]) == ["入户调查表", "申请书"]
    case = next(c for c in show["cases"] if c["kind"] == "新增")
    steps = {s["step"]: s for s in case["steps"]}
    assert case["outcome"] == "进行中" and steps["申请"]["date"] == "2025-06-02" and steps["入户调查"]["date"] == "2025-06-09"
    assert key in {h["household_id"] for h in dibao.json("household", "list")["households"]}
    assert [c["what"] for c in dibao.json("history", key)["changes"]][0] == "新建申请户"
    assert dibao.json("stats", "--year", "2025")["households_end"] == 2  # an applicant is not in 保

    pdf = tmp_path / "公示.pdf"
    dibao("report", "notice", "--village", "测试镇/一村", "--kind", "新增", "--from", "2025-06-10", "-o", str(pdf))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "申*民" in text or HEAD[0] in text  # 拟纳入: posted before the decision
    assert HEAD[1] not in text and WIFE[1] not in text

    again = dibao("household", "add", "--village", "测试镇/一村", "--name", HEAD[0], "--id", HEAD[1], check=False)
    assert again.returncode == 2 and f"已是户 {key} 的成员" in again.stderr and HEAD[1] not in again.stderr
    bad = dibao("household", "add", "--village", "测试镇/一村", "--name", "某人", "--id", "520102197804053110",
                check=False)
    assert bad.returncode == 2 and "身份证号无效" in bad.stderr
    nowhere = dibao("household", "add", "--village", "无此村", "--name", "某人", "--id", person_id(seq=70), check=False)
    assert nowhere.returncode == 2 and "范围不存在" in nowhere.stderr
    # registered with no paper yet: the application alone opens the case, its deadline running from that day
    other = person_id("19900909", seq=71)
    dibao("household", "add", "--village", "测试镇/二村", "--name", "只登记", "--id", other, "--applied", "2025-06-20")
    alone = dibao.json("household", "show", other)
    (only,) = alone["cases"]
    first = only["steps"][0]
    assert only["outcome"] == "进行中" and (first["step"], first["date"], first["source"]) == ("申请", "2025-06-20", "登记")
    assert "申请中：尚未审批" in dibao("household", "show", other).stdout

    # the township approves it (the change list names the head), and the year-end roster gives it a 户编号:
    # the same household, its papers and its case kept
    write_xlsx(tmp_path / "变动.xlsx", [["测试镇2025年城乡低保对象变动情况表"], CHANGE_HEADER,
                                        [1, "测试镇", "一村", HEAD[0], HEAD[1], "新增", "2025-06-25", 0, 2, 0, 700, "新申请"]])
    dibao("ingest", str(tmp_path / "变动.xlsx"), "--quiet")
    assert dibao.json("household", "show", HEAD[1])["household_id"] == key
    write_xlsx(tmp_path / "花名册2.xlsx", roster_rows([{"no": "5201020009999", "township": "测试镇", "village": "一村",
                                                      "members": [(*HEAD, "户主"), (*WIFE, "妻")], "amount": 700,
                                                      "approved": "2025-06-25"}]))
    dibao("ingest", str(tmp_path / "花名册2.xlsx"), "--quiet")
    numbered = dibao.json("household", "show", HEAD[1])
    assert numbered["household_id"] == "5201020009999" and len(dibao.json("household", "list")["households"]) == 4
    assert [d["document_id"] for d in numbered["documents"]] == [d["document_id"] for d in show["documents"]]
    assert numbered["status"] == "在保" and len(numbered["members"]) == 2
    case = next(c for c in numbered["cases"] if c["kind"] == "新增")
    assert case["outcome"] == "批准" and {s["step"]: s for s in case["steps"]}["申请"]["date"] == "2025-06-02"
    assert dibao("check").returncode == 0


def test_an_application_that_names_its_applicant_and_village_makes_the_household(dibao, tmp_path: Path) -> None:
    """The family's papers arrive before any roster: its own 申请书 (a name, an ID no household holds, a village on
    file) makes the applicant's household, and the 收入证明 that arrived before it is filed there too; its 户口簿
    (the child's card on a page of its own) is filed whole and names the family; a stranger's 收入证明 with no
    application, and an application from a village not on file, wait for staff."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_xlsx(folder / "花名册.xlsx", roster_rows(small_county(seed=61, n=2)))
    name, idn = "闻新芳", person_id("19770815", seq=41, male=False)
    stranger, far = ("路人乙", person_id("19810203", seq=42)), ("远方丙", person_id("19830304", seq=43))
    (folder / "SCAN_0201.jpg").write_bytes(to_jpeg(render_form(
        ["收入证明", f"兹证明{name}（身份证号：{idn}）系我村村民，家庭人口3人。", "一村村民委员会（盖章）", "2025年5月28日"])))
    (folder / "SCAN_0202.jpg").write_bytes(to_jpeg(render_form(
        ["最低生活保障申请书", "测试镇人民政府：", f"本人{name}，女，47岁，身份证号码：{idn}，", "家住测试镇一村3组。",
         "家庭生活困难，特申请最低生活保障。", f"申请人：{name}", "2025年6月2日"])))
    (folder / "SCAN_0203.jpg").write_bytes(to_jpeg(render_form(
        ["收入证明", f"兹证明{stranger[0]}（身份证号：{stranger[1]}）系我村村民。", "2025年5月28日"])))
    (folder / "SCAN_0204.jpg").write_bytes(to_jpeg(render_form(
        ["最低生活保障申请书", f"本人{far[0]}，男，42岁，身份证号码：{far[1]}，", "家住外县九村1组。",
         f"申请人：{far[0]}", "2025年6月3日"])))
    child = ("闻小杰", person_id("20150606", seq=44))
    cards = [render_form(["户口簿复印件", "常住人口登记卡", f"姓名 {who} 户主或与户主关系 {rel}", f"公民身份号码 {pid}",
                          "住址 测试镇一村3组"]) for who, rel, pid in ((name, "户主", idn), (child[0], "子", child[1]))]
    cards[0].save(folder / "SCAN_0205.pdf", save_all=True, append_images=cards[1:])  # the child's card: page 2
    dibao("ingest", str(folder), "--quiet")
    show = dibao.json("household", "show", idn)
    assert show["household_id"].startswith("D") and show["status"] == "申请中"
    assert (show["township"], show["village"], show["head"]["name"]) == ("测试镇", "一村", name)
    assert sorted(d["type"] for d in show["documents"]) == ["户口簿", "收入证明", "申请书"]
    assert [(m["name"], m["relation"]) for m in show["members"]] == [(name, "户主"), (child[0], "子")]  # from the 户口簿
    case = next(c for c in show["cases"] if c["kind"] == "新增")
    assert {s["step"]: s["date"] for s in case["steps"]}["申请"] == "2025-06-02"
    waiting = dibao.json("quarantine", "list")["items"]
    assert sorted(i["source_name"] for i in waiting) == ["SCAN_0203.jpg", "SCAN_0204.jpg"]
    assert dibao.json("stats", "--year", "2025")["households_end"] == 2  # an applicant is not in 保
    assert [c["what"] for c in dibao.json("history", show["household_id"])["changes"]][0] == "新建申请户"
