"""Notices list cases still awaiting a decision (a 公示 comes before approval): 拟纳入 applicants whose
入户调查 is done, 拟停保 households whose latest review concludes a stop or whose only member died — through
`dibao report notice` as PDF and Word, read back; applicants known to the archive only from a roster they
left and their application papers; names masked, no ID number, no health detail in a reason."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from archiver.privacy import mask_name
from tests.casepacks import PENDING_VILLAGE, Waiting, pending_corpus
from tests.conftest import Runner

pytestmark = pytest.mark.cli

ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Runner, dict[str, Waiting]]:
    base = tmp_path_factory.mktemp("pending")
    people = {w.role: w for w in pending_corpus(base / "in")}
    run = Runner(base / "home")
    run("init")
    policy = run.home / "policy.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("mask_names = false", "mask_names = true"),
                      encoding="utf-8")
    run("ingest", str(base / "in"), "--quiet")
    run("deaths", "import", str(base / "死亡名单.xlsx"))
    run("income", people["pending_with_income"].idn, "--monthly", "400", "--persons", "2", "--from", "2025-06-10")
    run("review", "record", people["review_entered_stop"].idn, "--date", "2025-06-12",
        "--result", "停保：户主患尿毒症住院，家庭收入超过低保标准")
    run("review", "record", people["review_entered_keep"].idn, "--date", "2025-06-12", "--result", "维持")
    return run, people


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def rows_of(text: str) -> dict[str, list[str]]:
    """Table rows of the notice by masked name: the cells after the name on its line."""
    out = {}
    for line in text.splitlines():
        cells = line.split()
        for i, c in enumerate(cells):
            if "*" in c:
                out[c] = cells[i + 1:]
    return out


def docx_rows(path: Path) -> dict[str, list[str]]:
    return {row.cells[1].text: [c.text for c in row.cells[2:]] for t in Document(str(path)).tables for row in t.rows[1:]}


def test_pending_applications_join_the_new_notice(archive, tmp_path: Path) -> None:
    run, people = archive
    shown = run.json("household", "show", people["pending_with_income"].idn)
    assert [c["outcome"] for c in shown["cases"] if c["kind"] == "新增"] == ["进行中"]  # no decision yet
    out = tmp_path / "新增.pdf"
    r = run("report", "notice", "--village", PENDING_VILLAGE, "--kind", "新增", "--from", "2025-06-01", "-o", str(out))
    assert r.returncode == 0 and out.exists()
    text = pdf_text(out)
    rows = rows_of(text)
    listed = {w.role for w in people.values() if mask_name(w.name) in rows}
    assert listed == {w.role for w in people.values() if w.on_new}, rows
    # persons from the members on file; amount = (560 − 400/2) × 2 from the recorded income, "-" without one
    assert rows[mask_name(people["pending_with_income"].name)][-2:] == ["2", "720"]
    assert rows[mask_name(people["pending_without_income"].name)][-2:] == ["1", "-"]
    assert rows[mask_name(people["approved_in_june"].name)][-2:] == ["1", "500"]  # approved in the period: as before
    flat = text.replace(" ", "").replace("\n", "")
    assert "拟纳入最低生活保障的对象名单公示如下（共4户5人）" in flat
    assert all(w.name not in text for w in people.values())  # names masked as policy says
    assert not ID_RE.search(text) and all(w.idn[-8:] not in text for w in people.values())
    # the same notice in Word says the same, row for row
    word = tmp_path / "新增.docx"
    run("report", "notice", "--village", PENDING_VILLAGE, "--kind", "新增", "--from", "2025-06-01", "-o", str(word))
    drows = docx_rows(word)
    assert set(drows) == set(rows)
    assert drows[mask_name(people["pending_with_income"].name)][-2:] == ["2", "720"]
    paragraphs = "\n".join(p.text for p in Document(str(word)).paragraphs)
    assert "（共4户5人）" in paragraphs and not ID_RE.search(paragraphs)


def test_a_case_posted_in_may_is_not_posted_again_in_june(archive, tmp_path: Path) -> None:
    """The May notice (its 公示 started in May) lists the application posted then; June does not repeat it,
    but does repeat the one whose May 公示 ran 3 days of 7 (a second round), and — under 两榜 — both."""
    run, people = archive
    may = tmp_path / "may.pdf"
    run("report", "notice", "--village", PENDING_VILLAGE, "--kind", "新增", "--from", "2025-05-01", "-o", str(may))
    rows = rows_of(pdf_text(may))
    assert {w.role for w in people.values() if mask_name(w.name) in rows} == {"posted_in_may", "short_notice_in_may"}
    # where local rules post two rounds (两榜), the case posted once in May is posted again in June
    policy = run.home / "policy.toml"
    original = policy.read_text(encoding="utf-8")
    policy.write_text(original.replace("rounds = 1", "rounds = 2"), encoding="utf-8")
    try:
        june = tmp_path / "june.pdf"
        run("report", "notice", "--village", PENDING_VILLAGE, "--kind", "新增", "--from", "2025-06-01", "-o", str(june))
        again = {w.role for w in people.values() if mask_name(w.name) in rows_of(pdf_text(june))}
        assert again == {w.role for w in people.values() if w.on_new} | {"posted_in_may"}
    finally:
        policy.write_text(original, encoding="utf-8")


def test_pending_stops_join_the_stop_notice_with_a_public_reason(archive, tmp_path: Path) -> None:
    run, people = archive
    out = tmp_path / "停保.pdf"
    run("report", "notice", "--village", PENDING_VILLAGE, "--kind", "停保", "--from", "2025-06-01", "-o", str(out))
    text = pdf_text(out)
    rows = rows_of(text)
    assert {w.role for w in people.values() if mask_name(w.name) in rows} == {
        w.role for w in people.values() if w.on_stop}, rows
    assert "家庭收入超过低保标准" in rows[mask_name(people["review_entered_stop"].name)]
    assert "家庭成员就业，收入增加" in " ".join(rows[mask_name(people["review_scanned_stop"].name)])
    assert rows[mask_name(people["sole_member_dead"].name)][-3:] == ["1", "400", "死亡"]
    assert "尿毒症" not in text and "住院" not in text  # a health detail in the review's result is never printed
    assert "停保原因" in text.replace(" ", "")
    assert not ID_RE.search(text)
    word = tmp_path / "停保.docx"
    run("report", "notice", "--village", PENDING_VILLAGE, "--kind", "停保", "--from", "2025-06-01", "-o", str(word))
    table = Document(str(word)).tables[0]
    assert [c.text for c in table.rows[0].cells][-1] == "停保原因"
    drows = docx_rows(word)
    assert set(drows) == set(rows)
    assert drows[mask_name(people["review_scanned_stop"].name)][-1] == "家庭成员就业，收入增加"
    # February's approved stop is on February's notice, with the reason the change list gives
    feb = tmp_path / "二月.pdf"
    run("report", "notice", "--village", PENDING_VILLAGE, "--kind", "停保", "--from", "2025-02-01", "-o", str(feb))
    assert rows_of(pdf_text(feb)) == {mask_name(people["stopped_in_february"].name): ["丙村1组", "1", "400", "户籍迁出"]}


def test_an_overdue_application_needs_naming_and_an_empty_selection_exits_1(archive, tmp_path: Path) -> None:
    """By August the June applications are past their decision deadline: no longer posted on their own (they
    are `cases due`), so the notice is empty and refused; named with --household, one is listed."""
    run, people = archive
    out = tmp_path / "八月.pdf"
    r = run("report", "notice", "--village", PENDING_VILLAGE, "--kind", "新增", "--from", "2025-08-01", "-o", str(out),
            check=False)
    assert r.returncode == 1 and "没有新增对象" in r.stderr and not out.exists()
    key = run.json("household", "show", people["pending_without_income"].idn)["household_id"]
    run("report", "notice", "--village", PENDING_VILLAGE, "--kind", "新增", "--from", "2025-08-01", "--household", key,
        "-o", str(out))
    assert set(rows_of(pdf_text(out))) == {mask_name(people["pending_without_income"].name)}


def test_review_results_and_public_reasons() -> None:
    """What counts as a stop in a recorded review, what a 复核记录 concludes, and what a notice may print."""
    from archiver import formfacts
    from archiver.privacy import public_reason
    from generators.rules.pending import says_stop

    assert all(says_stop(r) for r in ("停保", "拟停保：收入超标", "停止保障", "取消低保资格", "不再符合条件，退出"))
    assert not any(says_stop(r) for r in ("维持", "继续享受", "不予停保", "暂不停保，继续观察", "调减", ""))
    assert formfacts.read("定期复核记录\n复核结论：停止保障，户主已就业\n")["review_result"] == "停止保障，户主已就业"
    printed = "最低生活保障对象定期复核表\n复核结论：□ 继续保障　□ 调整保障金额　□ 停止保障\n复核意见：________\n"
    assert "review_result" not in formfacts.read(printed)  # a printed choice or a blank is no result
    assert public_reason("户主患尿毒症去世") == "死亡"
    assert public_reason("精神残疾，服刑中") == "经核查不再符合条件"
    assert public_reason("收入超标") == "家庭收入超过低保标准" and public_reason(None) == "经核查不再符合条件"
