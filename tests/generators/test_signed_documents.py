"""The 工作总结 and the 检查通报 an office signs as they come out (issue 24, items 1, 2 and 5), read back from the
.docx and from the pages LibreOffice draws, on a county with overdue reviews, a short 公示, an overpayment
seen by two checks and a policy still at its init defaults: no failure under 主要做法, each problem once,
no system or English word, no ISO date, nothing "某某", 版头 and 版记 present, 落款 dated the day it is made."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from docx import Document

from generators.documents import cn_date
from tests.generators.pages import page_texts, to_pdf
from tests.generators.rules.test_signed_findings import _county_with_payments

pytestmark = pytest.mark.cli

FAILURE_WORDS = ("不足", "未见", "逾期", "不符", "多发", "少发", "问题", "缺少", "不全", "未备案", "超过")


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def _all_text(path: Path) -> str:
    d = Document(str(path))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def _section(text: str, start: str, end: str | None) -> str:
    body = text.split(start, 1)[1]
    return body.split(end, 1)[0] if end else body


@pytest.fixture(scope="module")
def documents(planted, tmp_path_factory):
    run, base, _, stay = planted
    extra = tmp_path_factory.mktemp("two-checks")
    ids = _county_with_payments(extra / "in", [("早发丁", "2025-02-19", 600, [("2025年1-3月", 1800.0)])])
    run("ingest", str(extra / "in"), "--quiet")
    summary = extra / "总结.docx"
    said = run("report", "summary", "--year", "2025", "-o", str(summary)).stderr
    report = extra / "通报.docx"
    run("report", "inspection", "--year", "2025", "-o", str(report))
    return run, summary, report, said, ids, extra


def test_every_sentence_of_the_summary_follows_the_figures(documents) -> None:
    run, summary, _, said, ids, _ = documents
    text = _all_text(summary)
    practices = _section(text, "二、主要做法", "三、存在问题")
    problems = _section(text, "三、存在问题", "四、下一步工作打算")
    for sentence in re.split(r"[。；\n]", practices):
        assert not any(w in sentence for w in FAILURE_WORDS), sentence
    stats = run.json("stats", "--year", "2025")
    assert stats["overdue_reviews"] > 0 and "周期开展定期复核" not in practices  # overdue: no claim of the schedule
    assert f"逾期未复核{stats['overdue_reviews']}处" in problems
    assert "公示期不足" in problems
    # each problem once: one line per problem, and the overpayment seen by two checks is named once
    lines = [x for x in problems.splitlines() if x.strip()]
    titles = [re.sub(r"\d+", "", x.split("，")[0]) for x in lines]
    assert len(titles) == len(set(titles)), lines
    key = run.json("household", "show", ids["早发丁"])["household_id"]
    money = [f["code"] for f in run.json("inspect", "--year", "2025")["findings"] if key in f["households"]
             and f["code"] in ("amount_mismatch", "paid_before_start")]
    assert money == ["paid_before_start"]
    # no sentence said twice anywhere
    sentences = [s for s in re.split(r"(?<=。)", text.replace("\n", "")) if len(s) > 12]
    assert len(sentences) == len(set(sentences))
    # the placeholders: said on the command line first, printed as prompts, never the defaults
    assert "单位名称" in said and "监督电话" not in text
    assert "【待填写：单位名称】" in text and "某某" not in text


@pytest.mark.parametrize("which", ["summary", "report"])
def test_both_documents_are_gbt9704_and_speak_only_chinese(documents, which: str) -> None:
    run, summary, report, _, _, _ = documents
    path = summary if which == "summary" else report
    text = _all_text(path)
    assert not re.findall(r"[A-Za-z]{3,}", text), re.findall(r"[A-Za-z]{3,}", text)
    assert not re.search(r"\d{4}-\d{1,2}-\d{1,2}|\d{4}-\d{2}(?!\d)", text), re.findall(r"\d{4}-\d{2}[-\d]*", text)
    assert "某某" not in text and "policy" not in text
    lines = _paragraphs(path)
    # 版头: 发文机关标志 (a prompt while the name is unset), 发文字号, red rule under it
    assert lines[0] == "【待填写：单位名称】" and "发文字号" in lines[1]
    xml = Document(str(path)).element.xml
    assert 'w:color="C00000"' in xml
    # 落款: the office and today's date, kept with the text before it
    today = cn_date(dt.date.today().isoformat())
    dated = max(i for i, x in enumerate(lines) if x == today)
    assert lines[dated - 1] == "【待填写：单位名称】"
    # 版记: 抄送, 印发机关 and 印发日期 after it
    assert any(x.startswith("抄送：") for x in lines[dated:])
    assert lines[-1].endswith(f"{today}印发")
    # money written 2,380.00 where the report lists it
    if which == "report":
        assert re.search(r"共[\d,]+\.\d{2}元", text)
        for t in Document(str(path)).tables:
            if t.rows[0].cells[-1].text == "应追回(元)":
                assert all(re.fullmatch(r"[\d,]+\.\d{2}", r.cells[-1].text) for r in t.rows[1:])


def test_the_date_signed_may_be_given_and_the_summary_never_ends_with_its_date_alone(documents, tmp_path: Path) -> None:
    run, *_ = documents
    out = tmp_path / "dated.docx"
    run("report", "summary", "--year", "2025", "--date", "2026-01-10", "-o", str(out))
    assert "2026年1月10日" in _paragraphs(out)
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    pages = [re.sub(r"[ \t]+", "", p) for p in page_texts(to_pdf(out, tmp_path))]
    last = next(p for p in reversed(pages) if "2026年1月10日" in p.splitlines())
    body = [x for x in last.split("\n2026年1月10日\n")[0].splitlines() if x.strip() and "单位名称" not in x
            and not re.fullmatch(r"[—\s\d-]+", x)]
    assert len(body) >= 2, last  # the 落款 shares its page with the text it signs
