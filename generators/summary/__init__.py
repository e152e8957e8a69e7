"""The year-end work summary (工作总结) draft: real figures from `stats`, two charts, problems from `inspect`.

Every figure `dibao stats --json` prints for the same year and scope is the one printed here. A sentence is
either backed by the archive's figures or left as a marked 【待填写：…】 prompt for staff: the archive cannot
show that every 公示 ran its 7 days until the case timeline records it, so the draft does not say so.
存在问题 comes from `inspect` (and its overdue reviews, the review plan's backlog); 下一步打算 answers each
problem found.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from archiver import gcpause, localrules
from archiver.catalog import Catalog
from archiver.policy import Policy, notice_length

from .. import gongwen, stats
from ..documents import cn_date, render_docx, wan
from ..progress import Progress, Steps
from ..rules import completeness, objections, review_clock
from .charts import charts
from .figures import (
    TODO,
    area_word,
    by_type_figures,
    by_type_rows,
    compare_text,
    exit_reasons,
    level,
    people_tables,
    quarter_rows,
    standard_text,
    year_counts,
)
from .practices import approval, written
from .problems import closing, findings_by_code, notice_periods, problems_and_plans

COMPLAINT_TYPES = ("信访", "信访记录", "投诉")


def signer(cat: Catalog, scope: str | None, policy: Policy, year: int) -> dict:
    """Whose summary it is: the level (县/乡镇/村), the signing office, the title's owner and the addressee."""
    kind, township, village = level(cat, scope)
    office = gongwen.office_name(policy, year) if kind == "县" else localrules.issuer(policy, township)
    own = kind == "乡镇" and office not in (policy.office.name, gongwen.office_name(policy, year))
    # the title names whose summary it is: the county office, the township's own office, or the area itself
    title_owner = office if kind == "县" or own else str(village or township)
    if "【待填写" in title_owner:
        title_owner = ""  # the title then reads "2025年度最低生活保障工作总结"; the 版头 carries the prompt
    addressee = (gongwen.addressee(policy) if kind == "县" else
                 f"{localrules.issuer(policy, township) if kind == '村' else gongwen.office_name(policy, year)}：")
    return {"level": kind, "office": office, "title_owner": title_owner, "addressee": addressee,
            "scope_label": f"{township or ''}{village or ''}" or "全县", "area_word": area_word(kind, village or township)}


@gcpause.paused()
def context(cat: Catalog, year: int, scope: str | None, policy: Policy, progress: Progress | None = None,
            steps: int = 5, signed: dt.date | None = None) -> dict:
    """Everything the summary template says; `progress` hears each step (of `steps`: render adds its own).
    `signed`: the 成文日期 (default: the day it is generated)."""
    step = Steps(progress, steps)
    area = stats.area(cat, scope)  # a township, 乡镇/村, or a village name one township has (AreaProblem else)
    # loaded once, with payments, for the figures and for the checks behind 存在问题
    step("读取档案")
    households = cat.households(area, full=True)
    facts = stats.YearFacts(year, scope or "全部", households, [h for h in households if h.in_care_on(f"{year}-12-31")])
    step("计算本年和上年统计数据")
    s = stats.compute(cat, year, scope, policy, facts.households)
    prev = stats.compute(cat, year - 1, scope, policy, facts.households, monthly_series=False)
    who = signer(cat, scope, policy, year)
    first, day = f"{year}-01-01", f"{year}-12-31"

    step("城乡分类、季度和人员构成")
    types, quarter_ends = by_type_figures(cat, year, scope, facts.households)
    city, rural, other_money_text = by_type_rows(s, types)
    pop = localrules.population(policy, scope)
    identity_rows, age_rows = people_tables(facts.in_care, year, policy)
    if len(identity_rows) == 1 and identity_rows[0]["identity"] == "未登记":
        identity_rows = []  # one "未登记" row is no table: the office fills it in
    counts = year_counts(facts.households, facts.in_care, year)
    incomplete = completeness.incomplete(facts.in_care, policy)
    complaints = cat.documents_of_type_between(area, COMPLAINT_TYPES, first, day)

    step("逐户检查（存在问题）")
    findings = findings_by_code(cat, year, scope, policy, facts.households)
    problems, plans = problems_and_plans(findings, s, policy, year)

    step("新纳入对象的公示和办理过程")
    periods = notice_periods(cat, facts.households, year, policy)
    approval_text = approval(s, periods, findings, policy, problems, plans) if s["new_households"] else ""
    practices = written(s, counts, facts.in_care, incomplete, approval_text, findings, policy)
    register_counts = objections.counts(cat, area, first, day)  # the objections register, where kept
    problems, plans = closing(problems, plans, register_counts, complaints)
    doc = gongwen.frame(policy, signed or dt.date.today(), year, who["office"])
    exits = exit_reasons(s)
    return {
        **who, "office": doc["issuer"], "frame": doc,
        "identity_prompt": TODO.format("年末保障对象身份类别（老年人、残疾人、未成年人、在校学生等）及人数"), "year": year,
        "s": s, "prev": prev, "city": city, "rural": rural,
        "date_end": cn_date(day), "date_signed": doc["signed"],
        "total_wan": wan(s["disbursed_total"]), "q_wan": [wan(q) for q in s["disbursed_by_quarter"]],
        "avg_benefit": f"{s['avg_monthly_per_person']:.2f}", "compare_text": compare_text(s, prev),
        "standard_text": standard_text(policy, year), "other_money_text": other_money_text,
        "coverage_text": f"保障面为{s['persons_end'] / pop * 100:.2f}%（按户籍人口{pop}人计）。" if pop else "",
        "exit_reasons_text": f"（{exits}）" if exits else "", "quarter_rows": quarter_rows(s, quarter_ends),
        "person_times_total": sum(s["persons_by_month"]),
        "age_rows": age_rows, "identity_rows": identity_rows,
        "class_rows": [{"category": f"{c}类" if policy.review_months.get(c) else review_clock.UNCLASSIFIED,
                        "households": v["households_end"], "persons": v["persons_end"],
                        "interval": f"{policy.review_months.get(c) or review_clock.unclassified_interval(policy)}个月"}
                       for c, v in sorted(s["by_category"].items())],
        **counts, "complaints": complaints, "objections": register_counts,
        "notice_days": notice_length(policy), "review_a": policy.review_months.get("A", 12),
        "review_b": policy.review_months.get("B", 6), "review_c": policy.review_months.get("C", 3),
        "practices": practices, "problems": problems, "plans": plans, "incomplete_households": len(incomplete),
    }


def render(cat: Catalog, year: int, scope: str | None, policy: Policy, out: Path, home_templates: Path | None,
           progress: Progress | None = None, signed: dt.date | None = None) -> Path:
    ctx = context(cat, year, scope, policy, progress, steps=6, signed=signed)
    if progress is not None:
        progress("绘制图表，生成Word文档", 5, 6)
    return write(ctx, out, home_templates)


def write(ctx: dict, out: Path, home_templates: Path | None) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        return render_docx("summary.docx", home_templates, ctx, out, charts(ctx, Path(tmp)))
