"""The summary's figures in words: the area it covers, year-on-year changes, the 低保标准 of the year, money
and person-months by 城市/农村, the quarter, identity and age tables."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from archiver import idcard, localrules, placeholders
from archiver.catalog import Catalog
from archiver.catalog.models import Household, Member, Payment
from archiver.policy import Policy

from .. import stats
from ..documents import cn_date, wan

TODO = "【待填写：{}】"
BANDS = {"under_18": "未成年人（18岁以下）", "working_age": "劳动年龄段", "elderly": "老年人"}
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


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


def standard_text(policy: Policy, year: int) -> str:
    """The 低保标准 at the year's end and each rise in the year, or the prompt to fill them in."""
    in_force, rises = localrules.standards_of_year(policy, year)
    standard_unset = next((p for p in placeholders.unset(policy, year) if p.key == "standard.add"), None)
    if standard_unset is not None:
        return f"{year}年末，城乡低保标准为{standard_unset.prompt}。"
    if not in_force:
        return TODO.format("本年度城乡低保标准及调整情况")
    parts = [f"{t}低保标准为每人每月{in_force[t]:.0f}元" for t in ("城市", "农村") if t in in_force]
    text = f"{year}年末，{'、'.join(parts)}"
    if rises:
        text += "；" + "，".join(f"自{cn_date(r.start)}起，{r.area_type}低保标准由{r.old:.0f}元"
                                f"{'提高' if r.new > r.old else '调整'}到{r.new:.0f}元" for r in rises)
    return text + "。"


def by_type_rows(s: dict, types: dict[str, dict]) -> tuple[dict, dict, str]:
    """城市 and 农村 rows (stats' year-end counts with the year's money), and the sentence on money and households
    whose type is unknown: said, never folded into 城市 or 农村."""
    city = {**s["by_type"].get("城市", {"households_end": 0, "persons_end": 0}), **types["城市"]}
    rural = {**s["by_type"].get("农村", {"households_end": 0, "persons_end": 0}), **types["农村"]}
    other = sum(v["money"] for k, v in types.items() if k not in ("城市", "农村"))
    unknown_n = len(s["type_unknown"])
    other_money_text = (f"、{stats.UNKNOWN_TYPE}的{wan(other)}万元" if round(other, 2) else "") + (
        f"（另有{unknown_n}户{stats.UNKNOWN_TYPE}，待核实城乡类别）" if unknown_n else "")
    return city, rural, other_money_text


def exit_reasons(s: dict) -> str:
    """停保 reasons, most frequent first: 死亡3户、收入超标2户."""
    return "、".join(f"{k}{v}户" for k, v in sorted(s["exits_by_reason"].items(), key=lambda x: (-x[1], x[0])))


def compare_text(s: dict, prev: dict) -> str:
    """与上年相比… (when there was a last year on file), and the households in 渐退 at the year's end."""
    compare = ""
    if prev["households_end"] or prev["disbursed_total"]:
        compare = "与上年相比，" + "，".join([
            change_text("在保户数", s["households_end"], prev["households_end"], "户"),
            change_text("保障人数", s["persons_end"], prev["persons_end"], "人"),
            change_text("发放资金", s["disbursed_total"], prev["disbursed_total"], "", money=True)]) + "。"
    if s["taper_households"]:
        compare += f"年末有{s['taper_households']}户因家庭收入增加处于渐退期，按政策逐月减发至渐退期满后停发。"
    return compare


def year_counts(households: list[Household], in_care: list[Household], year: int) -> dict[str, int]:
    """复核 done, documents filed, 渐退 exits in the year, and persons under 分类施保 at its end."""
    first, day = f"{year}-01-01", f"{year}-12-31"
    return {
        "reviews_done": sum(1 for h in households for e in h.events if e.kind == "复核" and first <= e.date <= day),
        "documents_filed": sum(1 for h in households for d in h.documents if first <= (d.date or "") <= day),
        "gradual_exits": sum(1 for h in households for e in h.events
                             if "渐退" in (e.reason or "") and first <= e.date <= day),
        "classified_persons": sum(1 for h in in_care for m in h.members_on(day) if "分类施保" in (m.identity or "")),
    }
