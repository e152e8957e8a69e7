"""Corrections through the real CLI on real files: nothing filed is final, every change is in `history`
and the audit log, and `check` stays clean after each one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.builders import roster_rows, write_xlsx
from tests.corrections_corpus import build

pytestmark = pytest.mark.cli


@pytest.fixture
def county(dibao, tmp_path: Path) -> list[dict]:
    hs = build(tmp_path / "in")
    dibao("ingest", str(tmp_path / "in"), "--quiet")
    return hs


def docs(dibao, key: str) -> list[dict]:
    return dibao.json("household", "show", key)["documents"]


def check_clean(dibao) -> None:
    r = dibao("check", check=False)
    assert r.returncode == 0, r.stdout + r.stderr


def test_move_retype_redate_trash_restore_with_history(dibao, county) -> None:
    a, b = county[0]["no"], county[3]["no"]  # 一村 and 二村
    before_a = docs(dibao, a)
    assert len(before_a) >= 2
    doc = before_a[0]
    old_path = dibao.home / doc["path"]
    assert old_path.exists()

    moved = dibao.json("document", "set", doc["document_id"], "--household", b)
    assert moved["household_id"] == b and moved["path"].startswith("files/测试镇/二村/" + b + "/")
    assert not old_path.exists() and (dibao.home / moved["path"]).exists()
    assert doc["document_id"] not in [d["document_id"] for d in docs(dibao, a)]
    assert doc["document_id"] in [d["document_id"] for d in docs(dibao, b)]
    check_clean(dibao)

    r = dibao("document", "set", doc["document_id"], "--type", "收入证明", "--date", "2025-05-06", "--note", "补交材料")
    assert "收入证明" in r.stdout
    shown = dibao.json("document", "show", doc["document_id"])
    assert set(shown) >= {"document_id", "household_id", "type", "date", "note", "source_name", "sha256", "path", "trashed"}
    assert (shown["type"], shown["date"], shown["note"], shown["trashed"]) == ("收入证明", "2025-05-06", "补交材料", False)
    assert dibao.json("search", "补交材料")["results"][0]["household_id"] == b  # notes are searchable
    check_clean(dibao)

    dibao("document", "trash", doc["document_id"], "--reason", "重复扫描")
    items = dibao.json("trash", "list")["items"]
    assert [(i["document_id"], i["household_id"], i["reason"]) for i in items] == [(doc["document_id"], b, "重复扫描")]
    assert set(items[0]) >= {"document_id", "household_id", "reason", "trashed_at", "user"}
    assert doc["document_id"] not in [d["document_id"] for d in docs(dibao, b)]
    assert dibao.json("search", "补交材料")["total"] == 0
    assert (dibao.home / shown["path"]).exists()  # never deleted from disk
    assert dibao.json("document", "show", doc["document_id"])["trashed"] is True
    check_clean(dibao)

    dibao("document", "restore", doc["document_id"])
    assert dibao.json("trash", "list")["items"] == []
    assert doc["document_id"] in [d["document_id"] for d in docs(dibao, b)]
    check_clean(dibao)

    changes = dibao.json("history", "--document", doc["document_id"])["changes"]
    assert len(changes) >= 5
    assert all(set(c) >= {"at", "user", "what", "before", "after"} for c in changes)
    assert (changes[0]["what"], changes[0]["before"], changes[0]["after"]) == ("所属户", a, b)
    assert any(c["what"] == "档案日期" and c["after"] == "2025-05-06" for c in changes)
    trail_b = dibao.json("history", b)["changes"]
    assert len(trail_b) == len(changes)
    trail_a = dibao.json("history", a)["changes"]
    assert [(c["what"], c["after"]) for c in trail_a] == [("所属户", b)]  # the old household sees it leave
    audit = dibao.json("audit")["entries"]
    acts = [e["action"] for e in audit]
    assert acts.count("document.set") == 2 and "document.trash" in acts and "document.restore" in acts


def test_bad_corrections_are_refused_in_chinese(dibao, county) -> None:
    doc = docs(dibao, county[0]["no"])[0]["document_id"]
    for args, fragment in [(["document", "set", doc, "--type", "火星文"], "未知的档案类型"),
                           (["document", "set", doc, "--date", "2025-13-01"], "日期格式"),
                           (["document", "set", "99999", "--note", "x"], "找不到档案"),
                           (["document", "set", doc, "--household", "9999999999999"], "找不到户"),
                           (["document", "set", doc], "请至少给出"),
                           (["document", "restore", doc], "不在回收站")]:
        r = dibao(*args, check=False)
        assert r.returncode == 2 and fragment in r.stderr, (args, r.stderr)
    r = dibao("document", "set", doc, "--date", "none", "--json")
    assert json.loads(r.stdout)["date"] is None


def test_household_correction_survives_a_later_import_and_is_reported(dibao, county, tmp_path: Path) -> None:
    h = county[1]
    key = h["no"]
    new = "B" if h["category"] != "B" else "C"
    dibao("household", "set", key, "--class", new, "--address", "一村3组12号", "--phone", "13800001111", "--note", "独居老人")
    shown = dibao.json("household", "show", key)
    assert (shown["category"], shown["address"], shown["note"]) == (new, "一村3组12号", "独居老人")
    # the next month's roster still says the old class and the old address
    write_xlsx(tmp_path / "测试镇2026年1月低保花名册.xlsx", roster_rows([h], title="测试镇2026年1月城乡低保花名册"))
    dibao("ingest", str(tmp_path / "测试镇2026年1月低保花名册.xlsx"), "--quiet")
    shown = dibao.json("household", "show", key)
    assert (shown["category"], shown["address"]) == (new, "一村3组12号")
    conflicts = {c["field"]: c for c in shown["import_conflicts"]}
    assert conflicts["category"]["imported"] == h["category"] and conflicts["category"]["manual"] == new
    assert conflicts["address"]["imported"] == "一村1组"
    text = dibao("household", "show", key).stdout
    assert "待核实" in text and "13800001111" not in text
    assert dibao.json("search", "独居老人")["results"][0]["household_id"] == key
    what = [c["what"] for c in dibao.json("history", key)["changes"]]
    assert {"分类", "住址", "联系电话", "备注"} <= set(what)
    r = dibao("household", "set", key, "--class", "D", check=False)
    assert r.returncode == 2 and "分类应为" in r.stderr
    check_clean(dibao)


def test_member_coverage(dibao, county) -> None:
    name, idn, _ = county[0]["members"][1]
    r = dibao("member", "set", idn, "--covered", "no", check=False)
    assert r.returncode == 2 and "原因" in r.stderr
    res = dibao.json("member", "set", idn, "--covered", "no", "--reason", "服刑")
    assert (res["covered"], res["covered_reason"], res["name"]) == (False, "服刑", name)
    trail = dibao.json("history", county[0]["no"])["changes"]
    assert any(c["what"].startswith("纳入保障") and c["before"] == "是" and c["after"] == "否" for c in trail)
    audit = dibao("audit").stdout
    assert "member.set" in audit and idn not in audit  # the ID number is masked in the audit log
    res = dibao.json("member", "set", idn, "--covered", "yes")
    assert res["covered"] is True and res["covered_reason"] is None


def test_quarantine_candidates_assign_by_pages_and_reject(dibao, county) -> None:
    items = dibao.json("quarantine", "list")["items"]
    assert len(items) == 1
    item = items[0]
    assert item["item_id"] == item["file_id"]
    cands = {c["household_id"]: c for c in item["candidates"]}
    assert set(cands) == {county[2]["no"], county[4]["no"]}
    assert cands[county[2]["no"]] == {**cands[county[2]["no"]], "village": "二村", "head_name": "蔡佳怡"}
    # page 1 belongs to the 二村 household, page 2 to the 一村 one
    dibao("quarantine", "assign", item["item_id"], county[2]["no"], "--pages", "1")
    left = dibao.json("quarantine", "list")["items"]
    assert [q["item_id"] for q in left] == [item["item_id"]] and left[0]["pages"] == "2"
    dibao("quarantine", "assign", item["item_id"], county[4]["no"], "--type", "收入证明")
    assert dibao.json("quarantine", "list")["items"] == []
    got2 = [d for d in docs(dibao, county[2]["no"]) if d["source_name"] == "蔡佳怡材料.pdf"]
    got4 = [d for d in docs(dibao, county[4]["no"]) if d["source_name"] == "蔡佳怡材料.pdf"]
    assert [d["type"] for d in got2] == ["申请书"] and [d["type"] for d in got4] == ["收入证明"]
    from archiver import pdf

    assert pdf.page_count(dibao.home / got2[0]["path"]) == 1
    check_clean(dibao)


def test_quarantine_reject_is_kept_and_listed_with_all(dibao, county) -> None:
    item = dibao.json("quarantine", "list")["items"][0]["item_id"]
    r = dibao("quarantine", "reject", item, "--reason", "", check=False)
    assert r.returncode == 2
    dibao("quarantine", "reject", item, "--reason", "非本辖区材料")
    assert dibao.json("quarantine", "list")["items"] == []
    closed = dibao.json("quarantine", "list", "--all")["items"]
    assert [(q["item_id"], q["status"], q["rejected_reason"]) for q in closed] == [(item, "不予归档", "非本辖区材料")]
    assert (dibao.home / closed[0]["path"]).exists()
    r = dibao("quarantine", "assign", item, county[2]["no"], check=False)
    assert r.returncode == 2
    check_clean(dibao)


def test_users_disable_enable_set_with_chinese_roles(dibao, county) -> None:
    os.environ["DIBAO_PASSWORD"] = "secret-pass-1"
    try:
        dibao("user", "add", "u1", "--role", "village", "--area", "一村")
        dibao("user", "add", "u2", "--role", "乡镇", "--area", "测试镇")
    finally:
        del os.environ["DIBAO_PASSWORD"]
    dibao("user", "disable", "u1")
    users = {u["name"]: u for u in dibao.json("user", "list")["users"]}
    assert users["u1"]["disabled"] is True and users["u2"]["disabled"] is False
    assert users["u2"]["role"] == "township" and set(users["u1"]) >= {"name", "role", "area", "disabled"}
    dibao("user", "enable", "u1")
    dibao("user", "set", "u1", "--role", "村", "--area", "二村")
    users = {u["name"]: u for u in dibao.json("user", "list")["users"]}
    assert users["u1"]["disabled"] is False and users["u1"]["area"].endswith("二村")
    r = dibao("user", "set", "u1", "--role", "省", check=False)
    assert r.returncode == 2 and "角色应为" in r.stderr
    r = dibao("user", "disable", "nobody", check=False)
    assert r.returncode == 2 and "没有该用户" in r.stderr
    acts = [e["action"] for e in dibao.json("audit")["entries"]]
    assert {"user.disable", "user.enable", "user.set"} <= set(acts)
    dibao("user", "passwd", "u1", "--password", "another-pass-2")
    trail = dibao.json("history", "--user", "u1")["changes"]
    assert [c["what"] for c in trail] == ["新增账户", "停用账户", "启用账户", "角色和辖区", "重置密码"]
    assert trail[0]["after"] == "村 测试镇/一村" and trail[1]["before"] == "启用" and trail[1]["after"] == "停用"
    assert trail[3]["before"] == "村 测试镇/一村" and trail[3]["after"] == "村 测试镇/二村"
    assert "another-pass-2" not in json.dumps(trail) and all(c["user"].startswith("cli") for c in trail)
    every = dibao.json("history", "--user")["changes"]
    assert {c["account"] for c in every} == {"u1", "u2"} and len(every) == len(trail) + 1
    r = dibao("history", "--user", "nobody", check=False)
    assert r.returncode == 2 and "没有该用户" in r.stderr
    text = dibao("history", "--user").stdout
    assert "用户 u2 新增账户" in text and "共 6 条" in text


def test_search_offset_total_and_homophones(dibao, county) -> None:
    first = dibao.json("search", "测试镇", "--limit", "2")
    assert first["total"] == 5 and len(first["results"]) == 2
    rest = dibao.json("search", "测试镇", "--limit", "10", "--offset", "2")
    assert rest["total"] == 5 and len(rest["results"]) == 3
    seen = [r["household_id"] for r in first["results"] + rest["results"]]
    assert len(set(seen)) == 5
    near = dibao.json("search", "孟玉真")  # same pinyin as 孟玉珍
    assert near["results"] and near["results"][0]["head_name"] == "孟玉珍"
    exact = dibao.json("search", "孟玉珍")
    assert exact["results"][0]["score"] > near["results"][0]["score"]


def test_argparse_speaks_chinese(dibao) -> None:
    r = dibao("stats", check=False)
    assert r.returncode == 2 and "缺少必需的参数：--year" in r.stderr and "用法：" in r.stderr
    assert "the following arguments are required" not in r.stderr
    r = dibao("search", "x", "--limit", "abc", check=False)
    assert r.returncode == 2 and "参数值无效，应为整数：'abc'" in r.stderr and "dibao search --help" in r.stderr
    r = dibao("document", "set", "1", "--bogus", check=False)
    assert r.returncode == 2 and "无法识别的参数：--bogus" in r.stderr
    out = dibao("document", "--help").stdout + dibao("household", "set", "--help").stdout
    assert "显示本帮助并退出" in out and "show this help message" not in out and "选项" in out


def test_a_trashed_document_leaves_dossiers_and_review_facts(dibao, county, tmp_path: Path) -> None:
    from archiver import pdf

    key = county[3]["no"]
    doc = docs(dibao, key)[0]["document_id"]
    dibao("document", "set", doc, "--type", "复核记录", "--date", "2025-09-09")
    events = dibao.json("household", "show", key)["events"]
    assert [(e["date"], e["kind"]) for e in events if e["kind"] == "复核"] == [("2025-09-09", "复核")]
    dibao("dossier", key, "-o", str(tmp_path / "before.pdf"))
    dibao("document", "trash", doc, "--reason", "错归档")
    dibao("dossier", key, "-o", str(tmp_path / "after.pdf"))
    assert pdf.page_count(tmp_path / "after.pdf") < pdf.page_count(tmp_path / "before.pdf")
    assert not [e for e in dibao.json("household", "show", key)["events"] if e["kind"] == "复核"]
    dibao("document", "restore", doc)
    assert [e["kind"] for e in dibao.json("household", "show", key)["events"]].count("复核") == 1
    check_clean(dibao)
