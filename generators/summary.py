"""The year-end work summary (工作总结) draft: real figures from `stats`, two charts, problems derived
from the data. Every number in it is one `dibao stats --json` prints for the same year and scope."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from archiver.catalog import Catalog
from archiver.catalog.models import today
from archiver.policy import Policy

from . import completeness, stats
from .documents import cn_date, render_docx, wan
from .fonts import cjk_font_path

BANDS = {"under_18": "未成年人（18岁以下）", "working_age": "劳动年龄段（男18-59岁、女18-54岁）", "elderly": "老年人"}


def context(cat: Catalog, year: int, scope: str | None, policy: Policy) -> dict:
    facts = stats.load(cat, year, scope)
    s = stats.compute(cat, year, scope, policy, facts.households)
    prev = stats.compute(cat, year - 1, scope, policy, facts.households, monthly_series=False)
    day = f"{year}-12-31"
    persons = max(s["persons_end"], 1)
    age_rows = [{"band": BANDS[k], "count": v, "share": f"{v / persons * 100:.1f}%"} for k, v in s["by_age_band"].items()]
    age_rows.append({"band": "其中：残疾人", "count": s["disabled_persons"], "share": f"{s['disabled_persons'] / persons * 100:.1f}%"})
    class_rows = [{"category": f"{c}类", "households": v["households_end"], "persons": v["persons_end"],
                   "interval": f"{policy.review_months.get(c, '-')}个月"} for c, v in sorted(s["by_category"].items())]
    identities = Counter(s["by_identity"])
    identity_rows = [{"identity": k, "count": v} for k, v in identities.most_common()]
    reviews_done = sum(1 for h in facts.households for e in h.events if e.kind == "复核" and e.date[:4] == str(year))
    documents_filed = sum(1 for h in facts.households for d in h.documents if (d.date or "")[:4] == str(year))
    incomplete = completeness.incomplete(facts.in_care, policy)
    exits = "、".join(f"{k}{v}户" for k, v in sorted(s["exits_by_reason"].items(), key=lambda x: -x[1]))
    problems = []
    if s["overdue_reviews"]:
        problems.append(f"定期复核不够及时。年末有{s['overdue_reviews']}户在保对象超过分类复核周期未复核。")
    if incomplete:
        problems.append(f"档案资料不够完整。{len(incomplete)}户在保对象档案缺少必备材料（如申请书、入户调查表、审批表）。")
    working_share = s["by_age_band"]["working_age"] / persons * 100
    if working_share >= 30:
        problems.append(f"劳动年龄段保障对象占比偏高，达{working_share:.1f}%，就业帮扶和渐退机制需加强。")
    if s["cadre_relatives"]:
        problems.append(f"村干部近亲属享受低保{s['cadre_relatives']}户，需严格备案、重点核查。")
    if exits:
        problems.append(f"全年退出{s['exited_households']}户，其中{exits}，动态管理需进一步常态化。")
    if not problems:
        problems.append("未发现突出问题，仍需持续加强规范管理。")
    delta_h = s["households_end"] - prev["households_end"]
    delta_money = s["disbursed_total"] - prev["disbursed_total"]
    compare = (f"与上年相比，在保户数{'增加' if delta_h >= 0 else '减少'}{abs(delta_h)}户，"
               f"发放资金{'增加' if delta_money >= 0 else '减少'}{wan(abs(delta_money))}万元。") if prev["households_end"] or prev["disbursed_total"] else ""
    if s["taper_households"]:
        compare += f"年末有{s['taper_households']}户因家庭收入增加处于渐退期，按政策逐月减发至渐退期满后停发。"
    return {
        "office": policy.office_name, "year": year, "scope_label": scope or "全县", "s": s, "prev": prev,
        "city": s["by_type"].get("城市", {"households_end": 0, "persons_end": 0}),
        "rural": s["by_type"].get("农村", {"households_end": 0, "persons_end": 0}),
        "date_end": cn_date(day), "date_signed": cn_date(min(today(), f"{year + 1}-01-15")),
        "total_wan": wan(s["disbursed_total"]), "q_wan": [wan(q) for q in s["disbursed_by_quarter"]],
        "avg_benefit": f"{s['avg_monthly_per_person']:.2f}", "compare_text": compare,
        "exit_reasons_text": f"（{exits}）" if exits else "", "age_rows": age_rows, "class_rows": class_rows,
        "identity_rows": identity_rows, "reviews_done": reviews_done, "documents_filed": documents_filed,
        "notice_days": policy.notice_days, "review_a": policy.review_months.get("A", 12),
        "review_b": policy.review_months.get("B", 6), "review_c": policy.review_months.get("C", 3),
        "problems": problems, "incomplete_households": len(incomplete),
    }


def charts(ctx: dict, folder: Path) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font = font_manager.FontProperties(fname=cjk_font_path())
    s = ctx["s"]
    out = {}
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=150)
    months = [f"{m}月" for m in range(1, 13)]
    ax.plot(months, s["persons_by_month"], marker="o", color="#b22222")
    ax.set_title(f"{ctx['year']}年逐月在保人数", fontproperties=font)
    ax.set_ylabel("人", fontproperties=font)
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out["chart_persons"] = folder / "persons.png"
    fig.savefig(out["chart_persons"])
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=150)
    quarters = ["第一季度", "第二季度", "第三季度", "第四季度"]
    values = [q / 10000 for q in s["disbursed_by_quarter"]]
    bars = ax.bar(quarters, values, color="#1f4e79")
    for b, v in zip(bars, values, strict=True):
        ax.text(b.get_x() + b.get_width() / 2, v, f"{v:.2f}", ha="center", va="bottom", fontsize=8)
    ax.set_title(f"{ctx['year']}年分季度低保金发放（万元）", fontproperties=font)
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
    fig.tight_layout()
    out["chart_money"] = folder / "money.png"
    fig.savefig(out["chart_money"])
    plt.close(fig)
    return out


def render(cat: Catalog, year: int, scope: str | None, policy: Policy, out: Path, home_templates: Path | None) -> Path:
    ctx = context(cat, year, scope, policy)
    with tempfile.TemporaryDirectory() as tmp:
        return render_docx("summary.docx", home_templates, ctx, out, charts(ctx, Path(tmp)))

