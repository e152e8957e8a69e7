"""The typed policy: every table comes through as a frozen section with its kind, a hand-edited file with
comments loads, `[cases] notice_days` is read as `[notice] days` and warns, and no module reads a raw dict."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from archiver.policy import DEFAULT_TEXT, Policy, load, notice_length, parse
from generators.rules import caserules

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[3]

HAND_EDITED = """\
# 本县政策 — edited by hand in Notepad, comments everywhere
[office]   # 单位
name = "样例县民政局"   # printed on notices
supervision_phone = '0851-1234567'
superior = "  样例市民政局 "

[notice]
days = 10          # 公示十天
mask_names = true
rounds = 2

[[standard]]
from = 2025-07-01      # a TOML date, not a string
"城市" = 760
"农村" = 600.5

[[standard]]
from = "2025-01-01"
"城市" = 720
"农村" = 560

[cases]
payment_start = "same_month"
democratic_review_required = true
change_notice_required = ["停保"]

[calendar]
years = [2031]
holidays = ["2031-02-03", 2031-02-04]

[basis]
mode = "分档"
[basis.tiers]
"一类" = "80%"
"二类" = 300
[basis.taper]
months = 3
shares = [1, 0.5]

[codes]
unsigned_until = "2027-06-30"

[columns]
head_name = "名字"
"身份证号" = ["证件号", "证件号码"]

[layouts."ab12"]
columns = {head_name = "户主"}

[document_types]
added = ["低保证明"]
[document_types.renamed]
"其他材料" = "补充材料"

[phones]
"城关镇" = "0851-7654321"

[edge]
multiple = 2

[tasks]
keep_days = 30

[our_own_notes]   # a table dibao does not know: left alone
anything = "goes"
"""


def test_a_hand_edited_file_with_comments_loads_with_typed_values() -> None:
    p = parse(HAND_EDITED)
    assert p.office.name == "样例县民政局" and p.office.supervision_phone == "0851-1234567"
    assert p.office.superior == "样例市民政局"
    assert (p.notice.days, p.notice.mask_names, p.notice.rounds) == (10, True, 2) and notice_length(p) == 10
    assert p.standard_table() == [("2025-01-01", {"城市": 720.0, "农村": 560.0}), ("2025-07-01", {"城市": 760.0, "农村": 600.5})]
    assert p.standard_on("2025-08-01", "农村") == 600.5
    assert p.cases.payment_start == "same_month" and p.cases.change_notice_required == ("停保",)
    assert caserules.rules(p).required_steps == ("申请", "入户调查", "民主评议", "公示", "审批")
    assert p.calendar == type(p.calendar)((2031,), (dt.date(2031, 2, 3), dt.date(2031, 2, 4)), ())
    assert p.basis.mode == "分档" and p.basis.tiers == {"一类": ("share", 0.8), "二类": ("amount", 300.0)}
    assert p.basis.taper_months == 3 and p.basis.taper_shares == (1.0, 0.5)
    assert p.codes.unsigned_until == dt.date(2027, 6, 30)
    assert p.columns == {"head_name": ("名字",), "身份证号": ("证件号", "证件号码")}
    assert p.layouts == {"ab12": {"head_name": "户主"}}
    assert p.document_types.added == ("低保证明",) and p.document_types.renamed == {"其他材料": "补充材料"}
    assert p.phones == {"城关镇": "0851-7654321"} and p.edge.multiple == 2.0 and isinstance(p.edge.multiple, float)
    assert p.tasks.keep_days == 30
    assert p.sets("notice", "days") and not p.sets("age") and not p.notes
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.notice = p.notice  # type: ignore[misc]


def test_an_empty_file_gives_the_national_defaults() -> None:
    p = parse("")
    assert notice_length(p) == 7 and p.cases.decision_working_days == 30 and p.basis.mode == "差额"
    assert p.codes.unsigned_until is None and p.retention.routine_years == 5 and p.stops.notice_working_days == 3
    assert p.objections.answer_working_days == 15 and p.edge.multiple == 1.5 and p.tasks.keep_days == 7
    shipped = parse(DEFAULT_TEXT)
    assert notice_length(shipped) == 7 and not shipped.notes and "notice_days" not in DEFAULT_TEXT


def test_cases_notice_days_is_read_as_notice_days_and_warns_once(dibao) -> None:
    path = dibao.home / "policy.toml"
    text = path.read_text(encoding="utf-8")
    assert "\ndays = 7" in text
    text = text.replace("\ndays = 7", "\n", 1).replace("[cases]\n", "[cases]\nnotice_days = 10\n", 1)
    path.write_text(text, encoding="utf-8")
    p = parse(text)
    assert notice_length(p) == 10 and caserules.rules(p).notice_days == 10  # one length for documents and checks
    assert len(p.notes) == 1 and "[cases] notice_days 已停用" in p.notes[0] and "[notice] days" in p.notes[0]
    r = dibao("stats", "--year", "2025")
    assert r.stderr.count("[cases] notice_days 已停用") == 1  # not repeated however often a command loads it
    c = dibao("check")
    assert "policy_deprecated" in c.stdout and "第" in c.stdout
    shown = {row["key"]: row for row in dibao.json("settings", "show")["settings"]}
    assert shown["notice.days"]["value"] == "10" and shown["notice.days"]["source"] == "policy.toml"


def test_where_both_keys_differ_notice_days_counts_and_says_so() -> None:
    both = parse("[notice]\ndays = 7\n[cases]\nnotice_days = 5\n")
    assert notice_length(both) == 7 and caserules.rules(both).notice_days == 7
    assert "第4行" in both.notes[0] and "不同" in both.notes[0]
    same = parse("[notice]\ndays = 7\n[cases]\nnotice_days = 7\n")  # every home an older dibao wrote
    assert notice_length(same) == 7 and not same.notes


def test_a_home_without_policy_toml_gets_the_shipped_defaults(tmp_path: Path) -> None:
    assert load(tmp_path) == parse(DEFAULT_TEXT)


def test_no_module_reads_the_parsed_dict() -> None:
    assert not hasattr(Policy(), "raw") and "raw" not in {f.name for f in dataclasses.fields(Policy)}
    pattern = re.compile(r"(?:policy|load\([^)]*\)|load_policy\([^)]*\))\s*\.raw\b")
    found = [f"{path.relative_to(ROOT)}:{n}" for folder in ("archiver", "generators", "dibao")
             for path in sorted((ROOT / folder).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []
