"""The 工作总结 as a county official reads it: rendered through LibreOffice, both charts drawn in full and the
signature never alone on a page; on the sample every stats figure is in it; a planted amount mismatch and
a short 公示 change what it says (no claim the data contradict)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import Runner

pytestmark = pytest.mark.cli

SAMPLE = Path(os.environ.get("DIBAO_SAMPLE_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "samples" / "county-a"))
needs_soffice = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed (scripts/install-debian.sh)")


def docx_text(path: Path) -> str:
    d = Document(str(path))
    out = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            out.append(" | ".join(c.text for c in row.cells))
    return "\n".join(out)


def section(text: str, start: str, end: str | None) -> str:
    body = text.split(start, 1)[1]
    return body.split(end, 1)[0] if end else body


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample county's spreadsheets (rosters, change lists, disbursement sheets) — no OCR needed."""
    if not (SAMPLE / "inbox").is_dir():
        pytest.skip(f"sample corpus absent: {SAMPLE}")
    base = tmp_path_factory.mktemp("sample")
    inbox = base / "inbox"
    inbox.mkdir()
    for f in (SAMPLE / "inbox").rglob("*.xlsx"):
        shutil.copy2(f, inbox / f.name)
    run = Runner(base / "home")
    run("init")
    run("ingest", str(inbox), "--quiet")
    return run, base


def _table_rows(path: Path, first_header: str) -> list[list[str]]:
    for t in Document(str(path)).tables:
        if t.rows[0].cells[0].text == first_header:
            return [[c.text for c in r.cells] for r in t.rows[1:]]
    raise AssertionError(f"no table headed {first_header}")


@pytest.mark.parametrize("year", [2024, 2025])
def test_sample_summary_numbers_equal_stats(sample, year: int) -> None:
    run, base = sample
    out = base / f"summary{year}.docx"
    said = run("report", "summary", "--year", str(year), "-o", str(out)).stderr
    assert said.index("[1/6] 读取档案") < said.index("[4/6] 逐户检查") < said.index("[6/6] 绘制图表")  # long work shows progress
    s = run.json("stats", "--year", str(year))
    text = docx_text(out)
    city, rural = s["by_type"]["城市"], s["by_type"]["农村"]
    for figure in (f"共有城乡低保对象{s['households_end']}户{s['persons_end']}人",
                   f"城市低保{city['households_end']}户{city['persons_end']}人",
                   f"农村低保{rural['households_end']}户{rural['persons_end']}人",
                   f"新增低保对象{s['new_households']}户{s['new_persons']}人",
                   f"退出{s['exited_households']}户{s['exited_persons']}人",
                   f"调增保障金{s['increased']}户次，调减{s['decreased']}户次",
                   f"累计发放低保金{s['disbursed_total'] / 10000:.2f}万元",
                   f"残疾人{s['disabled_persons']}人", f"{year}年12月31日"):
        assert figure in text, figure
    quarters = _table_rows(out, "季度")
    assert [r[4] for r in quarters[:4]] == [f"{q / 10000:.2f}" for q in s["disbursed_by_quarter"]]
    assert quarters[4][0] == "全年" and quarters[4][4] == f"{s['disbursed_total'] / 10000:.2f}"
    assert quarters[3][1:3] == [str(s["households_end"]), str(s["persons_end"])]  # Q4's end is 31 Dec
    ages = {r[0]: r for r in _table_rows(out, "年龄段")}
    counts = [int(r[3]) for r in ages.values()]
    assert counts == [s["by_age_band"][k] for k in ("under_18", "working_age", "elderly")]
    for r in ages.values():
        assert int(r[1]) + int(r[2]) == int(r[3])  # 男 + 女 = 合计
    if "【待填写：年末保障对象身份类别" in text:  # every identity 未登记: a prompt, not a one-row table
        assert not any(t.rows[0].cells[0].text == "身份类别" for t in Document(out).tables)
    else:
        identities = _table_rows(out, "身份类别")
        assert sum(int(r[1]) for r in identities) == sum(s["by_age_band"].values())
    if s["overdue_reviews"]:
        assert f"逾期未复核{s['overdue_reviews']}处" in text
    # money by 城市/农村 adds up to the total
    m = re.search(r"城市低保金([\d.]+)万元、农村低保金([\d.]+)万元(?:、城乡未明的([\d.]+)万元)?", text)
    assert m and abs(sum(float(g or 0) for g in m.groups()) - s["disbursed_total"] / 10000) < 0.011
    # exit reasons are the recorded ones
    for reason, n in s["exits_by_reason"].items():
        assert f"{reason}{n}户" in text
    assert "收入超标等不再符合条件" not in text and "按时足额" not in text


@needs_soffice
def test_sample_summary_renders_charts_and_keeps_the_signature(sample, tmp_path: Path) -> None:
    from tests.generators.pages import check_summary_layout

    run, base = sample
    out = tmp_path / "summary.docx"
    run("report", "summary", "--year", "2025", "-o", str(out))
    paragraphs = [p.text for p in Document(str(out)).paragraphs if p.text.strip()]
    office, signed = paragraphs[-2], paragraphs[-1]
    texts = check_summary_layout(out, tmp_path, office, signed)
    rows = Document(str(out)).element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr")
    assert all(r.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None for r in rows)
    assert "最低生活保障工作总结" in texts[0].replace(" ", "")


def test_township_and_village_summary_read_for_that_level(sample) -> None:
    run, base = sample
    areas = run.json("household", "list")["households"]
    township = areas[0]["township"]
    village = next(h["village"] for h in areas if h["township"] == township)
    policy = run.home / "policy.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("[issuers]\n", f'[issuers]\n"{township}" = "{township}人民政府"\n'),
                      encoding="utf-8")
    for scope, word in ((township, "全" + township[-1]), (village, "全" + ("社区" if village.endswith("社区") else "村"))):
        out = base / f"summary-{scope}.docx"
        run("report", "summary", "--year", "2025", "--scope", scope, "-o", str(out))
        s = run.json("stats", "--year", "2025", "--scope", scope)
        text = docx_text(out)
        assert f"{word}共有城乡低保对象{s['households_end']}户{s['persons_end']}人" in text
        assert "全县" not in text
        lines = [p.text for p in Document(str(out)).paragraphs if p.text.strip()]
        assert lines[0] == f"{township}人民政府文件"  # the 版头's 发文机关标志
        heading = next(x for x in lines if "年度" in x)
        assert heading.startswith(f"{township}人民政府" if scope == township else f"{village}2025年度")
        dated = max(i for i, x in enumerate(lines) if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", x))
        assert lines[dated - 1] == f"{township}人民政府"  # signed by the township's office


# ---------------------------------------------------------------------- wording that follows the data
def test_wording_follows_the_planted_faults(planted) -> None:
    run, base, out, stay = planted
    text = docx_text(out)
    practices = section(text, "二、主要做法", "三、存在问题")
    problems = section(text, "三、存在问题", "四、下一步工作打算")
    plans = section(text, "四、下一步工作打算", None)
    findings = run.json("inspect", "--year", "2025")["findings"]
    mismatches = [f for f in findings if f["code"] == "amount_mismatch"]
    assert any(stay["household_id"] in f["households"] for f in mismatches)
    # no claim the data contradict: money is not "一致"/"按时足额", 公示 is not claimed as 7 days for all
    assert "一致" not in practices and "按时足额" not in practices
    assert not re.search(r"均.{0,8}公示", practices)  # the planted 3-day 公示 (and cases with none) contradict it
    assert "不足" not in practices and "未见" not in practices  # a failure is said under 存在问题 only
    assert "公示" in problems and "公示" in plans
    # the problem is named with its count, and the plan answers it
    assert f"发放金额与核定金额不符{len(mismatches)}处" in problems
    assert "逐户核对发放金额" in plans
    # inspect names the planted short 公示 itself, and the summary's 存在问题 carries it
    short = [f for f in findings if f["code"] == "notice_period_short"]
    assert short and f"{short[0]['title']}{len(short)}处" in problems
    # every sentence of 主要做法 carries a figure or is a marked prompt
    for sentence in re.split(r"(?<=。)", practices.replace("\n", "")):
        if sentence.strip() and "【待填写" not in sentence and not sentence.startswith("（"):
            assert re.search(r"\d", sentence), sentence


@needs_soffice
def test_generated_county_summary_layout(planted, tmp_path: Path) -> None:
    from tests.generators.pages import check_summary_layout

    run, base, out, stay = planted
    paragraphs = [p.text for p in Document(str(out)).paragraphs if p.text.strip()]
    check_summary_layout(out, tmp_path, paragraphs[-2], paragraphs[-1])


@pytest.mark.slow
@needs_soffice
def test_summary_layout_for_a_100000_household_county(tmp_path: Path) -> None:
    """A county of 100,000 households built straight into the catalog (ingest would take far longer)."""
    from archiver.catalog import Catalog
    from archiver.home import Home
    from archiver.policy import load
    from bench.documents import populate
    from generators import summary
    from tests.generators.pages import check_summary_layout

    home = Home(tmp_path / "home")
    home.create()
    cat = Catalog.of(home)
    populate(cat, 100_000)
    policy = load(home.root)
    out = tmp_path / "summary.docx"
    ctx = summary.context(cat, 2025, None, policy)
    summary.write(ctx, out, None)
    text = docx_text(out)
    assert f"共有城乡低保对象{ctx['s']['households_end']}户{ctx['s']['persons_end']}人" in text
    assert ctx["s"]["households_end"] == 100_000
    check_summary_layout(out, tmp_path, ctx["office"], ctx["date_signed"])
