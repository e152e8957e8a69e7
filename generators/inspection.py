"""The inspection (`dibao inspect`) and its 检查通报: runs the check registry (generators/rules/checks.py) over
a scope's households and renders what it found. Read-only over the catalog; the reference day is 31 Dec
of --year, else today."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from archiver import gcpause
from archiver.catalog import Catalog
from archiver.catalog.models import Household, today
from archiver.policy import Policy

from . import stats
from .progress import Progress, Steps
from .rules import checks, completeness, objections, relatives
from .rules.findings import Finding, Scan


@gcpause.paused()
def run(cat: Catalog, scope: str | None, year: int | None, policy: Policy,
        households: list[Household] | None = None) -> list[Finding]:
    """`households` (the scope's, loaded with payments) lets a caller that already holds them, such as the
    year-end summary, spare loading the archive again."""
    if households is None:
        households = cat.households(stats.area(cat, scope), full=True)  # AreaProblem with a clear message
    day = f"{year}-12-31" if year else today()
    return checks.run_all(Scan(cat, households, year, day, policy))


def render(cat: Catalog, scope: str | None, year: int | None, policy: Policy, out: Path, home_templates: Path | None,
           checked: tuple[dt.date, dt.date] | None = None, progress: Progress | None = None,
           signed: dt.date | None = None) -> tuple[Path, dict]:
    """The 检查通报 .docx and the figures it was made from; `progress` hears its three steps. `signed` is its
    成文日期 (default: today)."""
    from .documents import render_docx

    ctx = report_context(cat, scope, year, policy, checked, progress, steps=3, signed=signed)
    if progress is not None:
        progress("生成Word文档", 2, 3)
    return render_docx("inspection.docx", home_templates, ctx, out), ctx


def report_context(cat: Catalog, scope: str | None, year: int | None, policy: Policy,
                   checked: tuple[dt.date, dt.date] | None = None, progress: Progress | None = None,
                   steps: int = 2, signed: dt.date | None = None) -> dict:
    """Figures for the inspection report (检查通报), per township and village. `checked` is when the inspection
    took place (distinct from the reference day the figures are taken on); unknown, it is a 【待填写】 prompt.
    `progress` hears its steps (checking, then the tables; of `steps`: render adds its own)."""
    from .documents import cn_date
    from .gongwen import frame, money

    step = Steps(progress, steps)
    step("逐户检查档案和发放")
    # a note on the calendar is for the command line (it names settings), not for the 通报
    findings = [f for f in run(cat, scope, year, policy) if f.code != "calendar_year_unknown"]
    step("按乡镇、村汇总排名")
    day = f"{year}-12-31" if year else today()
    active = [h for h in cat.households(stats.area(cat, scope), full=True) if h.in_care_on(day)]
    per_household: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        for k in f.households:
            per_household[k].append(f)
    area_rows = _area_rows(active, per_household, policy)
    heads = {h.key: h for h in cat.households(stats.area(cat, scope))}
    complete_all = sum(int(str(r["complete"])) for r in area_rows)
    township_rows = _township_rows(area_rows, active, per_household)
    recover_rows = _recover_rows(findings, heads)
    recover_total = sum(float(r["amount"]) for r in recover_rows)
    signed = signed or dt.date.today()
    reference = dt.date.fromisoformat(day)
    doc = frame(policy, signed, year)
    return {"office": doc["issuer"], "frame": doc, "scope_label": scope or "全县", "year": year or dt.date.today().year,
            "doc_number": doc["doc_number"],
            "addressee": "各乡镇人民政府、街道办事处：" if not scope else "【待填写：主送机关】：",
            "township_intro": "各乡镇（街道）情况及排名如下：" if len(township_rows) > 1 else "各村（社区）情况如下：",
            "village_table_no": 2 if len(township_rows) > 1 else 1,
            "period_text": (f"{cn_date(checked[0].isoformat())}至{cn_date(checked[1].isoformat())}" if checked
                            else "【待填写：检查起止日期】"), "date_reference": cn_date(day),
            "method_text": (f"本次检查以{cn_date(day)}在保的{len(active)}户为范围，逐户查阅全部档案（全面检查，共{len(active)}户，占在保户数100%），"
                            f"并将{reference.year}年全部发放记录与核定金额逐月比对，同时核查重复享受、共用账户、逾期复核和近亲属备案情况。"),
            "date_checked": cn_date(day), "date_signed": doc["signed"], "checked": len(active), "complete": complete_all,
            "rate": f"{complete_all / max(len(active), 1) * 100:.1f}%", "area_rows": area_rows,
            "finding_rows": _finding_rows(findings), "findings_total": len(findings),
            "problem_households": len(per_household), "township_rows": township_rows,
            "worst_rows": _worst_rows(per_household, heads), "register_rows": _register_rows(cat, scope, day),
            "recover_rows": recover_rows, "recover_total": money(recover_total),
            "recover_text": (f"对实发超过应发的{len(recover_rows)}笔发放，共{money(recover_total)}元（明细见附件2），由所在乡镇（街道）"
                             f"于{cn_date((signed + dt.timedelta(days=30)).isoformat())}前追回，缴回财政专户。" if recover_rows
                             else "本次检查未发现实发超过应发的情况。"),
            "objections_text": "异议、信访和举报办理情况：" + objections.sentence(objections.counts(
                cat, stats.area(cat, scope), f"{reference.year}-01-01", day)).replace("全年", f"{reference.year}年", 1),
            "rectify_by": cn_date((signed + dt.timedelta(days=30)).isoformat()),
            "report_by": cn_date((signed + dt.timedelta(days=40)).isoformat()),
            "review_a": policy.review_months.get("A", 12),
            "review_b": policy.review_months.get("B", 6), "review_c": policy.review_months.get("C", 3)}


def _area_rows(active: list[Household], per_household: dict[str, list[Finding]], policy: Policy) -> list[dict]:
    """Per village: households checked, those whose file is complete, the rate, the findings."""
    areas: dict[tuple[str, str], list[Household]] = defaultdict(list)
    for h in active:
        areas[(h.township, h.village)].append(h)
    area_rows = []
    for (t, v), hs in sorted(areas.items()):
        complete = sum(1 for h in hs if not completeness.missing(h, policy))
        area_rows.append({"township": t, "village": v, "checked": len(hs), "complete": complete,
                          "rate": f"{complete / len(hs) * 100:.1f}%", "findings": sum(len(per_household[h.key]) for h in hs)})
    return area_rows


def _finding_rows(findings: list[Finding]) -> list[dict]:
    """Per check, most frequent first: its title, how often, one example."""
    from .gongwen import prose

    counts: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        counts[f.code].append(f)
    finding_rows = [{"title": checks.title(c), "count": len(fs),
                     "example": ("例如：" if len(fs) > 1 else "") + prose(fs[0].message)}
                    for c, fs in sorted(counts.items(), key=lambda x: -len(x[1]))]
    return finding_rows or [{"title": "未发现问题", "count": 0, "example": ""}]


def _worst_rows(per_household: dict[str, list[Finding]], heads: dict[str, Household]) -> list[dict]:
    """The ten households with the most findings."""
    worst = sorted(per_household.items(), key=lambda x: -len(x[1]))[:10]
    return [{"household_id": k, "village": heads[k].village if k in heads else "", "head": heads[k].head_name if k in heads else "",
             "count": len(fs), "problems": "、".join(sorted({checks.title(f.code) for f in fs}))} for k, fs in worst]


def _township_rows(area_rows: list[dict], active: list[Household], per_household: dict[str, list[Finding]]) -> list[dict]:
    """The villages summed per township and ranked: complete files first, then fewer findings."""
    towns: dict[str, dict] = {}
    for row in area_rows:
        town = towns.setdefault(str(row["township"]), {"township": row["township"], "checked": 0, "complete": 0,
                                                       "findings": 0, "problem_households": 0})
        for field_name in ("checked", "complete", "findings"):
            town[field_name] += int(str(row[field_name]))
    for h in active:
        towns[h.township]["problem_households"] += bool(per_household.get(h.key))
    township_rows = sorted(towns.values(), key=lambda x: (-x["complete"] / max(x["checked"], 1), x["findings"], x["township"]))
    for rank, town in enumerate(township_rows, 1):
        town["rank"] = rank
        town["rate"] = f"{town['complete'] / max(town['checked'], 1) * 100:.1f}%"
    return township_rows


def _recover_rows(findings: list[Finding], heads: dict[str, Household]) -> list[dict]:
    """Each payment above what was due (附件2): to be recovered."""
    from .gongwen import money, prose

    recover_rows: list[dict] = []
    for f in findings:
        if f.code not in ("paid_after_stop", "amount_mismatch", "paid_before_start"):
            continue
        rows = f.detail.get("rows") or [f.detail]  # paid_before_start names each row it found
        for row in rows:
            paid = float(row.get("paid", row.get("amount", 0)) or 0)
            excess = float(row.get("excess", paid - float(row.get("due", paid))) or 0)
            if excess <= 0.5:
                continue
            k = f.households[0]
            recover_rows.append({"household_id": k, "village": heads[k].village if k in heads else "",
                                 "head": heads[k].head_name if k in heads else "", "period": prose(str(row.get("period", ""))),
                                 "paid": money(paid), "due": money(paid - excess), "excess": money(excess), "amount": excess})
    return recover_rows


def _register_rows(cat: Catalog, scope: str | None, day: str) -> list[dict]:
    """The cadres' relatives register: each relative in 保, declared and checked or not."""
    from .gongwen import prose

    return [{"cadre": f"{r['cadre_name']}（{r['post'] or '干部'}）", "village": r["village"], "name": r["name"],
             "relation": r["relation"], "households": "、".join(r["households"]),
             "declared": prose(r["declared_on"]) if r["declared_on"] else "未备案",
             "checked": prose(r["checked_on"]) if r["checked_on"] else "未核查",
             "flag": "已标记" if r["flagged"] else "未标记"}
            for r in relatives.register_households(cat, day, stats.area(cat, scope)) if r["households"]]
