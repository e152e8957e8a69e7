"""A bad value in any table of policy.toml stops every command with exit 2 and a message naming the line,
table and key (never 程序内部错误, exit 1): the home is a real one from `dibao init`, edited by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Runner

pytestmark = pytest.mark.cli

# (table, key, the shipped line or the table header to add under, the bad line; "+" appends a table)
CASES = [
    ("office", "name", 'name = "某某县民政局"', "name = 12"),
    ("office", "superior", 'supervision_phone = "12345"', 'supervision_phone = "12345"\nsuperior = ["市民政局"]'),
    ("standards.2025", "城市", '[standards.2025]\n"城市" = 720', '[standards.2025]\n"城市" = "七百二"'),
    ("standard", "城市", "+[[standard]]", 'from = "2025-07-01"\n"城市" = "760元"'),
    ("standard", "from", "+[[standard]]", 'from = "2025-13-01"\n"城市" = 760'),
    ("review_months", "A", "A = 12", "A = 0"),
    ("notice", "days", "days = 7", "days = 99999999"),
    ("notice", "rounds", "rounds = 1", 'rounds = "两榜"'),
    ("age", "adult", "adult = 18", "adult = 99"),
    ("completeness", "在保", '"在保" = [', '"在保" = "申请书"\n"旧" = ['),
    ("cases", "decision_working_days", "decision_working_days = 30", "decision_working_days = -1"),
    ("cases", "required_steps", 'required_steps = ["申请", "入户调查", "公示", "审批"]', 'required_steps = ["申请", "走访"]'),
    ("cases", "change_notice_required", "change_notice_required = []", 'change_notice_required = ["注销"]'),
    ("cases", "authorization_required", "authorization_required = false", 'authorization_required = "否"'),
    ("calendar", "holidays", "holidays = []", 'holidays = ["2027-02-30"]'),
    ("issuers", "城关镇", "[issuers]", '[issuers]\n"城关镇" = 5'),
    ("phones", "城关镇", "+[phones]", '"城关镇" = 12345'),
    ("population", "全县", "[population]", '[population]\n"全县" = -5'),
    ("documents", "notice_category", "notice_category = false", 'notice_category = "yes"'),
    ("retention", "routine_years", "routine_years = 5", "routine_years = -1"),
    ("retention", "approval_years_after_stop", "approval_years_after_stop = 3", 'approval_years_after_stop = "三年"'),
    ("columns", "head_name", "+[columns]", "head_name = 5"),
    ("basis", "income_denominator", 'income_denominator = "共同生活家庭成员"', 'income_denominator = "全家"'),
    ("basis.tiers", "一类", '"一类" = "100%"', '"一类" = "全额"'),
    ("basis.taper", "shares", "shares = [1.0]", "shares = [2]"),
    ("codes", "unsigned_until", 'unsigned_until = ""', 'unsigned_until = "明年"'),
    ("objections", "answer_working_days", "answer_working_days = 15", "answer_working_days = 0"),
    ("stops", "notice_working_days", "[stops]\nnotice_working_days = 3", '[stops]\nnotice_working_days = "三"'),
    ("stops", "check_change_lists", "check_change_lists = false", "check_change_lists = 1"),
    ("edge", "multiple", "multiple = 1.5", 'multiple = "1.5倍"'),
    ("tasks", "keep_days", "+[tasks]", "keep_days = 0"),
    ("document_types", "added", "+[document_types]", 'added = "低保证明"'),
    ("document_types.renamed", "旧名", "+[document_types.renamed]", '"旧名" = 1'),
    ("layouts.abc", "columns", '+[layouts."abc"]', 'columns = "姓名"'),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Runner, str]:
    run = Runner(tmp_path_factory.mktemp("policy") / "home")
    run("init")
    return run, (run.home / "policy.toml").read_text(encoding="utf-8")


def _write(run: Runner, shipped: str, anchor: str, bad: str, key: str) -> int:
    """policy.toml with the bad value in; the number of the line that sets the bad key."""
    if anchor.startswith("+"):
        text = f"{shipped.rstrip()}\n\n{anchor[1:]}\n{bad}\n"
    else:
        assert anchor in shipped, anchor
        text = shipped.replace(anchor, bad, 1)
    (run.home / "policy.toml").write_text(text, encoding="utf-8")
    marker = next(line for line in bad.splitlines() if line.split("=")[0].strip().strip('"') == key)
    found = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith(marker)]  # a comment may follow
    assert len(found) == 1, marker
    return found[0]


@pytest.mark.parametrize(("table", "key", "anchor", "bad"), CASES, ids=[f"{t}.{k}" for t, k, _, _ in CASES])
def test_a_bad_value_in_any_table_exits_2_naming_line_table_and_key(home: tuple[Runner, str], table: str, key: str,
                                                                     anchor: str, bad: str) -> None:
    run, shipped = home
    line = _write(run, shipped, anchor, bad, key)
    try:
        r = run("stats", "--year", "2025", check=False)
    finally:
        (run.home / "policy.toml").write_text(shipped, encoding="utf-8")
    assert r.returncode == 2, r.stderr
    assert f"第{line}行 [{table}] {key} = " in r.stderr, r.stderr
    assert "内部错误" not in r.stderr and "Traceback" not in r.stderr


def test_the_shipped_file_and_a_restored_home_still_run(home: tuple[Runner, str]) -> None:
    run, shipped = home
    assert (run.home / "policy.toml").read_text(encoding="utf-8") == shipped
    assert run("stats", "--year", "2025", check=False).returncode == 0


def test_check_reports_a_bad_standard_with_its_line(home: tuple[Runner, str]) -> None:
    run, shipped = home
    path: Path = run.home / "policy.toml"
    path.write_text(f'{shipped.rstrip()}\n\n[[standard]]\nfrom = "2025-07-01"\n"农村" = "六百"\n', encoding="utf-8")
    try:
        c = run("check", check=False)
    finally:
        path.write_text(shipped, encoding="utf-8")
    line = len(shipped.rstrip().splitlines()) + 4
    assert c.returncode == 1 and "policy_invalid" in c.stdout and f"第{line}行 [standard] 农村" in c.stdout
