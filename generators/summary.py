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
from collections import Counter, defaultdict
from pathlib import Path

from archiver import gcpause, idcard, localrules, placeholders
from archiver.catalog import Catalog
from archiver.catalog.models import Household, Member, Payment
from archiver.policy import Policy, notice_length

from . import gongwen, inspection, stats
from .documents import cn_date, render_docx, wan
from .fonts import cjk_font_path
from .progress import Progress, Steps
from .rules import checks, completeness, objections, payment_checks, review_clock
from .rules.caserules import posted_days
from .rules.findings import Finding

TODO = "【待填写：{}】"
NUMERALS = "一二三四五六七八九十"
BANDS = {"under_18": "未成年人（18岁以下）", "working_age": "劳动年龄段", "elderly": "老年人"}
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")
COMPLAINT_TYPES = ("信访", "信访记录", "投诉")
# what the next year's plan says for each problem `inspect` found: (sentence with {n} households / {money})
ANSWERS = {
    "amount_mismatch": "逐户核对发放金额与核定金额不符的{n}户，多发的限期追回、少发的及时补发，{month}底前完成",
    "paid_after_stop": "对停保后仍有发放的{n}户立即停发，追回多发资金{money}元",
    "overdue_review": "对逾期未复核的{n}户在{month}底前完成复核，此后严格按分类周期复核",
    "incomplete_file": "为档案材料不全的{n}户补齐申请书、入户调查表、审批表等必备材料",
    "same_person_two_households": "清理同一人在两户中享受低保的{n}户，只保留一处",
    "shared_bank_account": "核实共用银行账户的{n}户，改为本人账户发放",
    "unregistered_cadre_relative": "为未备案的村干部近亲属{n}户补办备案并重点核查",
    "over_age_or_deceased": "核实超龄或已故仍计入保障的{n}户，及时减员或停保",
    "notice_period_short": "严格执行公示{days}天的规定，对公示期不足的{n}户补正程序",
    "approved_before_notice_end": "杜绝公示期未满即审批，对涉及的{n}户补正程序",
    "case_overdue": "按时限办结审核审批，对超期办理的{n}户查明原因",
    "missing_step": "补齐缺少程序材料的{n}户",
    "paid_before_start": "核实审批当月及以前即发放的{n}户，多发的限期追回",
    "paid_after_death": "对死亡后仍发放的{n}户立即停发，追回多发资金",
    "payment_precision": "统一发放金额的取整方式，与政策规定一致",
    "too_few_investigators": "入户调查严格落实2人以上共同调查，对涉及的{n}户补正",
    "refusal_notice_late": "不予批准的在3个工作日内书面告知并说明理由",
}
# notes for staff at the command line, never a 公文's sentence (they name settings)
NOT_IN_DOCUMENTS = {"calendar_year_unknown"}


def level(cat: Catalog, scope: str | None) -> tuple[str, str | None, str | None]:
    """('县'|'乡镇'|'村', township, village) — what the scope is, for the words 全县/全镇/全村 and the signing office."""
    if not scope:
        return "县", None, None
    area = stats.area(cat, scope)
    return ("村" if area.village else "乡镇"), area.township, area.village


def area_word(kind: str, scope: str | None) -> str:
    if kind == "县" or not scope:
        return "全县"
    if kind == "乡镇":
        return "全街道" if scope.endswith("街道") else ("全乡" if scope.endswith("乡") else "全镇")
    return "全社区" if scope.endswith("社区") else "全村"


def pct(new: float, old: float) -> str:
    return f"{(new - old) / old * 100:.1f}%" if old else ""


def change_text(label: str, new: float, old: float, unit: str, money: bool = False) -> str:
    """增加12户（增长5.3%） — the year-on-year change of one figure, in the seeds' wording."""
    diff = new - old
    amount = f"{wan(abs(diff))}万元" if money else f"{abs(int(diff))}{unit}"
    if diff == 0:
        return f"{label}持平"
    p = pct(new, old)
    return f"{label}{'增加' if diff > 0 else '减少'}{amount}" + (f"（{'增长' if diff > 0 else '下降'}{p.lstrip('-')}）" if p else "")


def _covered(m: Member) -> bool:
    return bool(getattr(m, "covered", True))


def _sex(m: Member) -> str | None:
    if m.sex in ("男", "女"):
        return m.sex
    try:
        return idcard.parse(m.id_number).sex
    except idcard.IDError:
        return None


def by_type_figures(cat: Catalog, year: int, scope: str | None,
                    households: list[Household]) -> tuple[dict[str, dict], list[int]]:
    """城市/农村: money of the year (payments by household type) and person-months, for 月人均补差; and, from
    the same pass over the month ends, the households in 保 at each quarter's end."""
    out: dict[str, dict] = {t: {"money": 0.0, "person_months": 0} for t in ("城市", "农村")}
    for kind, start, end, amount in cat.payment_totals_by_type(stats.area(cat, scope)):
        months = Payment(start, end, amount).months()
        share = amount / len(months)
        for ym in months:
            if ym[:4] == str(year):
                out.setdefault(kind or stats.UNKNOWN_TYPE, {"money": 0.0, "person_months": 0})["money"] += share
    ends = stats.month_ends(year)
    quarters = [0] * 4
    steady_in_care = 0  # in 保 at every month's end, facts unchanged all year
    for h in households:
        def persons(day: str, h: Household = h) -> int | None:  # None: not in 保 that day
            return (h.figures_on(day)[0] or len(h.members_on(day))) if h.in_care_on(day) else None
        if h.same_between(ends[0], ends[-1]):  # the same every month of the year
            n = persons(ends[0])
            if n is not None:
                out.setdefault(h.area_type or stats.UNKNOWN_TYPE, {"money": 0.0, "person_months": 0})["person_months"] += 12 * n
                steady_in_care += 1
            continue
        by_month = stats.by_month(h, ends, persons)
        held = [n for n in by_month if n is not None]
        if held:
            out.setdefault(h.area_type or stats.UNKNOWN_TYPE, {"money": 0.0, "person_months": 0})["person_months"] += sum(held)
            for q in range(4):
                quarters[q] += by_month[3 * q + 2] is not None
    quarters = [q + steady_in_care for q in quarters]
    for row in out.values():
        row["money"] = round(row["money"], 2)
        row["avg"] = f"{row['money'] / row['person_months']:.2f}" if row["person_months"] else "0.00"
        row["wan"] = wan(row["money"])
    return out, quarters


def quarter_rows(s: dict, in_care: list[int]) -> list[dict]:
    """Per quarter: households (`in_care` at its end, from by_type_figures) and persons in 保 at its end, 人次
    (persons summed over its months), money."""
    rows = []
    for q in range(4):
        rows.append({"quarter": QUARTERS[q], "households": in_care[q],
                     "persons": s["persons_by_month"][3 * q + 2] if len(s["persons_by_month"]) == 12 else 0,
                     "person_times": sum(s["persons_by_month"][3 * q:3 * q + 3]),
                     "money": wan(s["disbursed_by_quarter"][q])})
    return rows


def people_tables(in_care: list[Household], year: int, policy: Policy) -> tuple[list[dict], list[dict]]:
    """The identity table and the age-by-sex table over the persons covered on 31 Dec (seed 004's tables)."""
    day_s = f"{year}-12-31"
    day = dt.date(year, 12, 31)
    identities: Counter[str] = Counter()
    grid: dict[str, Counter[str]] = defaultdict(Counter)
    total = 0
    band_of = stats.age_bands(day, policy)
    for h in in_care:
        for m in h.members_on(day_s):
            if not _covered(m):
                continue
            total += 1
            identities[m.identity or "未登记"] += 1
            band = band_of(m)
            if band:
                grid[band][_sex(m) or "不详"] += 1
    share = (lambda v: f"{v / total * 100:.1f}%") if total else (lambda v: "-")
    identity_rows = [{"identity": k, "count": v, "share": share(v)} for k, v in identities.most_common()]
    age_rows = []
    for key, label in BANDS.items():
        c = grid.get(key, Counter())
        n = sum(c.values())
        age_rows.append({"band": label, "male": c.get("男", 0), "female": c.get("女", 0), "count": n, "share": share(n)})
    return identity_rows, age_rows


def notice_periods(cat: Catalog, households: list[Household], year: int, policy: Policy) -> tuple[int, int] | None:
    """(新增 cases approved in the year, those whose 公示 ran fewer than the policy's days or is not on file), read
    from the case timeline (generators/rules/cases.py) of the households with a 新增 in the year — None when there is
    none, and then the summary says nothing about 公示."""
    from .rules import cases

    first, last = f"{year}-01-01", f"{year}-12-31"
    new = [h for h in households if any(e.kind in ("新增", "恢复") and first <= e.date <= last for e in h.events)]
    if not new:
        return None
    ctx = cases.Context.load(cat, new, policy)
    total = short = 0
    for h in new:
        for case in cases.for_household(h, ctx):
            approved = case.decided
            if case.kind != "新增" or case.outcome != "批准" or not approved or not first <= approved <= last:
                continue
            total += 1
            notice = case.step("公示")
            if not notice or not notice.date or not notice.end or \
                    posted_days(notice.date, notice.end) < notice_length(policy):
                short += 1
    return (total, short) if total else None


def _findings(cat: Catalog, year: int, scope: str | None, policy: Policy,
              households: list[Household]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in inspection.run(cat, scope, year, policy, households):
        out[f.code].append(f)
    return out


def problems_and_plans(findings: dict[str, list[Finding]], s: dict, policy: Policy,
                       year: int) -> tuple[list[str], list[str]]:
    """存在问题 from inspect, each with its answer in 下一步打算."""
    problems, plans = [], []
    month = f"{year + 1}年3月"
    for code, items in sorted(findings.items(), key=lambda x: -len(x[1])):
        if code in NOT_IN_DOCUMENTS or not items:
            continue
        n = len({k for f in items for k in f.households})
        title = checks.title(code)
        if not n:  # a county note (payment_precision): its own sentence, once
            problems.append(items[0].message)
            plans.append(ANSWERS.get(code, "对“{title}”逐项核实整改").format(title=title) + "。")
            continue
        text = f"{title}{len(items)}处，涉及{n}户"
        money = sum(float(f.detail.get("excess", 0) or 0) for f in items)
        if code == "amount_mismatch":
            over = sum(max(float(f.detail.get("paid", 0)) - float(f.detail.get("due", 0)), 0) for f in items)
            text += f"（多发合计{gongwen.money(over)}元）" if over else ""
        if code == "paid_after_stop":
            text += f"（停保后发放{gongwen.money(money)}元）"
        problems.append(text + "。")
        plan = ANSWERS.get(code, "对“{title}”逐户核实整改，涉及{n}户").format(
            n=n, month=month, money=gongwen.money(money), days=notice_length(policy), title=title)
        plans.append(plan + "。")
    persons = max(sum(s["by_age_band"].values()), 1)
    working = s["by_age_band"].get("working_age", 0) / persons * 100
    if working >= 30:
        problems.append(f"劳动年龄段保障对象{s['by_age_band']['working_age']}人，占{working:.1f}%，就业帮扶有待加强。")
        plans.append("对有劳动能力的保障对象开展就业帮扶，符合条件的落实低保渐退。")
    return problems, plans


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
    kind, township, village = level(cat, scope)
    word = area_word(kind, village or township)
    office = gongwen.office_name(policy, year) if kind == "县" else localrules.issuer(policy, township)
    own = kind == "乡镇" and office not in (policy.office.name, gongwen.office_name(policy, year))
    # the title names whose summary it is: the county office, the township's own office, or the area itself
    title_owner = office if kind == "县" or own else str(village or township)
    if "【待填写" in title_owner:
        title_owner = ""  # the title then reads "2025年度最低生活保障工作总结"; the 版头 carries the prompt
    first, day = f"{year}-01-01", f"{year}-12-31"

    in_force, rises = localrules.standards_of_year(policy, year)
    standard_unset = next((p for p in placeholders.unset(policy, year) if p.key == "standard.add"), None)
    if standard_unset is not None:
        standard_text = f"{year}年末，城乡低保标准为{standard_unset.prompt}。"
    elif in_force:
        parts = [f"{t}低保标准为每人每月{in_force[t]:.0f}元" for t in ("城市", "农村") if t in in_force]
        standard_text = f"{year}年末，{'、'.join(parts)}"
        if rises:
            standard_text += "；" + "，".join(f"自{cn_date(r.start)}起，{r.area_type}低保标准由{r.old:.0f}元"
                                             f"{'提高' if r.new > r.old else '调整'}到{r.new:.0f}元" for r in rises)
        standard_text += "。"
    else:
        standard_text = TODO.format("本年度城乡低保标准及调整情况")

    step("城乡分类、季度和人员构成")
    types, quarter_ends = by_type_figures(cat, year, scope, facts.households)
    city = {**s["by_type"].get("城市", {"households_end": 0, "persons_end": 0}), **types["城市"]}
    rural = {**s["by_type"].get("农村", {"households_end": 0, "persons_end": 0}), **types["农村"]}
    other = sum(v["money"] for k, v in types.items() if k not in ("城市", "农村"))
    unknown_n = len(s["type_unknown"])  # 城乡未明: said, never folded into 城市 or 农村
    other_money_text = (f"、{stats.UNKNOWN_TYPE}的{wan(other)}万元" if round(other, 2) else "") + (
        f"（另有{unknown_n}户{stats.UNKNOWN_TYPE}，待核实城乡类别）" if unknown_n else "")
    pop = localrules.population(policy, scope)
    coverage_text = (f"保障面为{s['persons_end'] / pop * 100:.2f}%（按户籍人口{pop}人计）。" if pop else "")

    exits = "、".join(f"{k}{v}户" for k, v in sorted(s["exits_by_reason"].items(), key=lambda x: (-x[1], x[0])))
    compare = ""
    if prev["households_end"] or prev["disbursed_total"]:
        compare = "与上年相比，" + "，".join([
            change_text("在保户数", s["households_end"], prev["households_end"], "户"),
            change_text("保障人数", s["persons_end"], prev["persons_end"], "人"),
            change_text("发放资金", s["disbursed_total"], prev["disbursed_total"], "", money=True)]) + "。"
    if s["taper_households"]:
        compare += f"年末有{s['taper_households']}户因家庭收入增加处于渐退期，按政策逐月减发至渐退期满后停发。"

    identity_rows, age_rows = people_tables(facts.in_care, year, policy)
    reviews_done = sum(1 for h in facts.households for e in h.events if e.kind == "复核" and first <= e.date <= day)
    documents_filed = sum(1 for h in facts.households for d in h.documents if first <= (d.date or "") <= day)
    incomplete = completeness.incomplete(facts.in_care, policy)
    gradual = sum(1 for h in facts.households for e in h.events if "渐退" in (e.reason or "") and first <= e.date <= day)
    classified = sum(1 for h in facts.in_care for m in h.members_on(day) if "分类施保" in (m.identity or ""))
    complaints = cat.documents_of_type_between(area, COMPLAINT_TYPES, first, day)

    step("逐户检查（存在问题）")
    findings = _findings(cat, year, scope, policy, facts.households)
    problems, plans = problems_and_plans(findings, s, policy, year)
    money_ok = not any(findings.get(c) for c in ("amount_mismatch", *payment_checks.OVERPAID_BY))

    practices: list[str] = []
    step("新纳入对象的公示和办理过程")
    periods = notice_periods(cat, facts.households, year, policy)
    # 主要做法 claims only what the record shows; a shortfall is said once, under 存在问题
    if s["new_households"]:
        approve = f"规范审核审批。全年新纳入低保对象{s['new_households']}户{s['new_persons']}人"
        if periods and periods[0] and not periods[1]:
            approve += f"，{periods[0]}户均按规定公示{notice_length(policy)}天。"  # every case's timeline shows it
        elif periods and periods[1]:
            approve += "，均经入户调查、审核确认后纳入。" if not findings.get("missing_step") else "。"
            covered = findings.get("notice_period_short") or any(
                "公示" in (f.detail.get("steps") or []) for f in findings.get("missing_step", []))
            if not covered:
                problems.append(f"新纳入对象中有{periods[1]}户公示期不足{notice_length(policy)}天或未见公示记录。")
                plans.append(f"严格执行公示{notice_length(policy)}天的规定，对涉及的{periods[1]}户补正程序。")
        else:
            approve += "。" + TODO.format(f"新纳入对象的入户调查、民主评议和公示情况（公示天数以{notice_length(policy)}天为准，如实填写）")
        practices.append(approve)
    dyn = []
    if s["overdue_reviews"] == 0 and facts.in_care:
        dyn.append(f"按照A类{policy.review_months.get('A', 12)}个月、B类{policy.review_months.get('B', 6)}个月、"
                   f"C类{policy.review_months.get('C', 3)}个月的周期开展定期复核，年末无逾期未复核对象")
    if reviews_done:
        dyn.append(f"全年完成复核{reviews_done}户次")
    changes = [f"调增保障金{s['increased']}户次" if s["increased"] else "", f"调减{s['decreased']}户次" if s["decreased"] else "",
               f"停保{s['exited_households']}户{s['exited_persons']}人" + (f"（{exits}）" if exits else "")
               if s["exited_households"] else ""]
    if any(changes):
        dyn.append("根据家庭收入和人口变化" + "、".join(c for c in changes if c))
    if gradual:
        dyn.append(f"对就业增收的家庭落实低保渐退{gradual}户")
    if dyn:
        practices.append("强化动态管理。" + "；".join(dyn) + "。")
    if s["disbursed_total"]:
        fund = f"做好资金发放。全年发放低保金{wan(s['disbursed_total'])}万元，月人均补差{s['avg_monthly_per_person']:.2f}元"
        practices.append(fund + ("，经逐月核对，发放金额与核定金额一致。" if money_ok else "，按月足额发放到户。"
                                 if not any(findings.get(c) for c in payment_checks.OVERPAID_BY) else "。"))
    archive = f"推进档案规范化。落实“一户一档”，全年归档各类档案材料{documents_filed}份" if documents_filed else ""
    if facts.in_care and not incomplete:
        archive = (archive + "，" if archive else "推进档案规范化。") + f"年末在保{len(facts.in_care)}户档案材料全部齐全"
    if archive:
        practices.append(archive + "。")
    unregistered = {k for f in findings.get("unregistered_cadre_relative", []) for k in f.households}
    registered = s["cadre_relatives"] - len(unregistered) if s["cadre_relatives"] else 0
    if registered > 0:
        practices.append(f"落实近亲属备案。对已备案的{registered}户村干部近亲属低保户实行重点管理"
                         + ("，名册在列人员均已备案。" if not unregistered else "。"))
    if classified:
        practices.append(f"落实分类施保。对{classified}名重点对象实施分类施保。")
    practices = [f"（{NUMERALS[i]}）{p}" for i, p in enumerate(practices)]
    practices.append(TODO.format("政策宣传、业务培训、专项治理等其他做法及成效"))
    register_counts = objections.counts(cat, area, first, day)  # the objections register, where kept
    if register_counts["received"]:
        problems.append(objections.sentence(register_counts))
    elif complaints:
        problems.append(f"全年受理低保信访{complaints}件，" + TODO.format("办理结果") + "。")
    if not problems:
        problems.append("本年度档案检查未发现问题。" + TODO.format("工作中的其他不足"))
    if not plans:
        plans.append(TODO.format("下一步工作打算"))
    problems = [gongwen.prose(p) for p in problems]
    if len(identity_rows) == 1 and identity_rows[0]["identity"] == "未登记":
        identity_rows = []  # one "未登记" row is no table: the office fills it in
    signed_on = signed or dt.date.today()
    doc = gongwen.frame(policy, signed_on, year, office)

    return {
        "office": doc["issuer"], "frame": doc, "title_owner": title_owner,
        "addressee": (gongwen.addressee(policy) if kind == "县" else
                      f"{localrules.issuer(policy, township) if kind == '村' else gongwen.office_name(policy, year)}："),
        "identity_prompt": TODO.format("年末保障对象身份类别（老年人、残疾人、未成年人、在校学生等）及人数"), "year": year, "scope_label": f"{township or ''}{village or ''}" or "全县", "area_word": word, "level": kind,
        "s": s, "prev": prev, "city": city, "rural": rural,
        "date_end": cn_date(day), "date_signed": doc["signed"],
        "total_wan": wan(s["disbursed_total"]), "q_wan": [wan(q) for q in s["disbursed_by_quarter"]],
        "avg_benefit": f"{s['avg_monthly_per_person']:.2f}", "compare_text": compare,
        "standard_text": standard_text, "coverage_text": coverage_text, "other_money_text": other_money_text,
        "exit_reasons_text": f"（{exits}）" if exits else "", "quarter_rows": quarter_rows(s, quarter_ends),
        "person_times_total": sum(s["persons_by_month"]),
        "age_rows": age_rows, "identity_rows": identity_rows,
        "class_rows": [{"category": f"{c}类" if policy.review_months.get(c) else review_clock.UNCLASSIFIED,
                        "households": v["households_end"], "persons": v["persons_end"],
                        "interval": f"{policy.review_months.get(c) or review_clock.unclassified_interval(policy)}个月"}
                       for c, v in sorted(s["by_category"].items())],
        "reviews_done": reviews_done, "documents_filed": documents_filed, "gradual_exits": gradual,
        "classified_persons": classified, "complaints": complaints, "objections": register_counts,
        "notice_days": notice_length(policy), "review_a": policy.review_months.get("A", 12),
        "review_b": policy.review_months.get("B", 6), "review_c": policy.review_months.get("C", 3),
        "practices": practices, "problems": problems, "plans": plans, "incomplete_households": len(incomplete),
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
    ax.set_ylim(bottom=0, top=max(max(s["persons_by_month"], default=0) * 1.15, 1))  # from zero: no false swings
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out["chart_persons"] = folder / "persons.png"
    fig.savefig(out["chart_persons"])
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=150)
    values = [q / 10000 for q in s["disbursed_by_quarter"]]
    bars = ax.bar(QUARTERS, values, color="#1f4e79")
    ax.set_ylim(bottom=0, top=max(max(values, default=0) * 1.15, 0.01))
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


def render(cat: Catalog, year: int, scope: str | None, policy: Policy, out: Path, home_templates: Path | None,
           progress: Progress | None = None, signed: dt.date | None = None) -> Path:
    ctx = context(cat, year, scope, policy, progress, steps=6, signed=signed)
    if progress is not None:
        progress("绘制图表，生成Word文档", 5, 6)
    return write(ctx, out, home_templates)


def write(ctx: dict, out: Path, home_templates: Path | None) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        return render_docx("summary.docx", home_templates, ctx, out, charts(ctx, Path(tmp)))
