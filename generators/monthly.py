"""低保月报 / 季报: the figures every township and county office reports upward each month — households and
persons in 保 at the period's end by 城市/农村, new, stopped and adjusted households in the period, money paid
in it, persons by 分类施保 category and households by class — by township (or by village for one township).

Every figure is `stats.compute` narrowed to the period (its `period` argument): the same code as the year's
figures, so the twelve months add up to the year and December's month-end figures are the year's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.catalog import Catalog, areas
from archiver.catalog.models import Household
from archiver.errors import UserError
from archiver.months import last_day
from archiver.policy import Policy

from . import stats
from .cells import append_row, print_landscape
from .rules import basis

CLASSES = ("A", "B", "C")
QUARTER_NAMES = "一二三四"


class BadPeriod(UserError, ValueError):
    pass


@dataclass(frozen=True)
class Period:
    key: str  # 2025-06 | 2025Q2
    label: str  # 2025年6月 | 2025年第二季度
    first: str
    last: str

    @property
    def year(self) -> int:
        return int(self.first[:4])


def month(text: str) -> Period:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise BadPeriod(f"月份格式应为 YYYY-MM，如 2025-06：{text} / month must be YYYY-MM")
    y, mo = int(m.group(1)), int(m.group(2))
    ym = f"{y}-{mo:02d}"
    return Period(ym, f"{y}年{mo}月", f"{ym}-01", last_day(ym))


def quarter(text: str) -> Period:
    m = re.fullmatch(r"(\d{4})[-\s]?[Qq]([1-4])", text.strip())
    if not m:
        raise BadPeriod(f"季度格式应为 YYYYQn，如 2025Q2：{text} / quarter must be YYYYQn")
    y, q = int(m.group(1)), int(m.group(2))
    return Period(f"{y}Q{q}", f"{y}年第{QUARTER_NAMES[q - 1]}季度", f"{y}-{3 * q - 2:02d}-01",
                  last_day(f"{y}-{3 * q:02d}"))


def figures(cat: Catalog, period: Period, scope: str | None, policy: Policy,
            households: list[Household] | None = None) -> dict[str, Any]:
    """The 月报's keys (docs/cli.md, `report monthly --json`) from `stats.compute` over the period — never derived a second way."""
    s = stats.compute(cat, period.year, scope, policy, households=households, monthly_series=False,
                      period=(period.first, period.last))
    by_type = {t: dict(s["by_type"].get(t) or {"households_end": 0, "persons_end": 0}) for t in ("城市", "农村")}
    by_type.update({t: v for t, v in s["by_type"].items() if t not in by_type})
    by_class = {c: dict(s["by_category"].get(c) or {"households_end": 0, "persons_end": 0}) for c in CLASSES}
    by_class.update({c: v for c, v in s["by_category"].items() if c not in by_class})
    return {
        "households_end": s["households_end"],
        "persons_end": s["persons_end"],
        "by_type": by_type,
        "new_households": s["new_households"],
        "new_persons": s["new_persons"],
        "stopped_households": s["exited_households"],
        "stopped_persons": s["exited_persons"],
        "adjusted_households": s["increased"] + s["decreased"],
        "disbursed": s["disbursed_total"],
        "by_category": {c: s["by_person_category"].get(c, 0) for c in basis.ADDON_CATEGORIES},
        "by_class": by_class,
    }


def compute(cat: Catalog, period: Period, scope: str | None, policy: Policy,
            households: list[Household] | None = None) -> dict[str, Any]:
    """The scope's figures and one row per township (per village when the scope is a township), from one read
    of the scope's households (`households`: already read by the caller)."""
    where = stats.area(cat, scope)
    if households is None:
        households = cat.households(where, full=True, payments=False)
    top = figures(cat, period, scope, policy, households)
    if where.village:
        parts: list[str] = []
    else:
        parts = [a for a in areas.choices(cat, where.township or None) if ("/" in a) == bool(where.township)]
    rows = [{"area": a, **figures(cat, period, a, policy, within(households, a))} for a in parts]
    return {"period": period.key, "label": period.label, "first": period.first, "last": period.last,
            "scope": areas.label(where), **top, "rows": rows}


def within(households: list[Household], area: str) -> list[Household]:
    """The households of an area label (乡镇 or 乡镇/村), as the catalog's scope selects them."""
    township, _, village = area.partition(areas.SEP)
    return [h for h in households if h.township == township and (not village or h.village == village)]


# ---------------------------------------------------------------------- the sheet
COLUMNS: list[tuple[str, str, Any]] = [
    # (group, column, value of a figures dict)
    ("期末在保户数", "合计", lambda f: f["households_end"]),
    ("期末在保户数", "城市", lambda f: f["by_type"]["城市"]["households_end"]),
    ("期末在保户数", "农村", lambda f: f["by_type"]["农村"]["households_end"]),
    ("期末在保人数", "合计", lambda f: f["persons_end"]),
    ("期末在保人数", "城市", lambda f: f["by_type"]["城市"]["persons_end"]),
    ("期末在保人数", "农村", lambda f: f["by_type"]["农村"]["persons_end"]),
    ("本期变动(户)", "新增", lambda f: f["new_households"]),
    ("本期变动(户)", "停保", lambda f: f["stopped_households"]),
    ("本期变动(户)", "调整", lambda f: f["adjusted_households"]),
    ("本期发放金额(元)", "金额(元)", lambda f: f["disbursed"]),
    ("在保人员类别(人)", "老年", lambda f: f["by_category"]["老年"]),
    ("在保人员类别(人)", "未成年", lambda f: f["by_category"]["未成年"]),
    ("在保人员类别(人)", "残疾", lambda f: f["by_category"]["残疾"]),
    ("在保人员类别(人)", "重病", lambda f: f["by_category"]["重病"]),
    ("分类管理(户)", "A类", lambda f: f["by_class"]["A"]["households_end"]),
    ("分类管理(户)", "B类", lambda f: f["by_class"]["B"]["households_end"]),
    ("分类管理(户)", "C类", lambda f: f["by_class"]["C"]["households_end"]),
]


def title(data: dict[str, Any], area: str) -> str:
    kind = "季报" if "Q" in data["period"] else "月报"
    return f"{area}{data['label']}最低生活保障工作{kind}"


def write_xlsx(cat: Catalog, data: dict[str, Any], policy: Policy, out: Path) -> Path:
    """The 月报 as an office files it: a summary sheet of the scope (a row per township, or per village),
    then, for a county or the whole archive, one sheet per township with its villages — each sheet one A4
    landscape page: title, 填报单位 and period, the two-level header, the figures, 合计, and
    制表人 / 审核人 / 填报日期 for signing."""
    import openpyxl

    from archiver.placeholders import text_or_prompt

    wb = openpyxl.Workbook()
    office = text_or_prompt(policy.office.name, policy, "office.name", int(data["first"][:4]))
    whole = data["scope"] == "全部"
    area = ("" if office.startswith("【") else office) if whole else data["scope"]
    _sheet(wb.active, data, data["rows"], area, office if whole else f"{data['scope'].split('/')[0]}民政办", "汇总")
    if whole:  # the county's sheet, then each township's own page with its villages
        period = Period(data["period"], data["label"], data["first"], data["last"])
        everyone = cat.households(stats.area(cat, None), full=True, payments=False)
        for row in data["rows"]:
            town = compute(cat, period, row["area"], policy, within(everyone, row["area"]))
            _sheet(wb.create_sheet(), town, town["rows"], row["area"], f"{row['area']}民政办", row["area"])
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _sheet(ws: Any, data: dict[str, Any], rows: list[dict[str, Any]], area: str, unit: str, name: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    ws.title = name[:31]
    width = 2 + len(COLUMNS)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    append_row(ws, [title(data, area)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = center
    ws.row_dimensions[1].height = 30
    append_row(ws, [f"填报单位：{unit}"] + [""] * (width - 6) + [f"统计期间：{data['first']} 至 {data['last']}"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width - 5)
    ws.merge_cells(start_row=2, start_column=width - 4, end_row=2, end_column=width)
    ws.cell(row=2, column=width - 4).alignment = Alignment(horizontal="right")
    groups = ["序号", "地区"] + [g for g, _, _ in COLUMNS]
    append_row(ws, groups)
    append_row(ws, ["", ""] + [c for _, c, _ in COLUMNS])
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    ws.merge_cells(start_row=3, start_column=2, end_row=4, end_column=2)
    col = 3
    while col <= width:
        end = col
        while end + 1 <= width and groups[end] == groups[col - 1]:
            end += 1
        if end > col:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=end)
        else:
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        col = end + 1
    for i, r in enumerate(rows, 1):
        append_row(ws, [i, r["area"].split("/")[-1]] + [v(r) for _, _, v in COLUMNS])
    append_row(ws, ["", "合计"] + [v(data) for _, _, v in COLUMNS])
    last = ws.max_row
    thin = Side(style="thin")
    for line in ws.iter_rows(min_row=3, max_row=last, max_col=width):
        for cell in line:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = center
    for line in ws.iter_rows(min_row=3, max_row=4, max_col=width):
        for cell in line:
            cell.font = Font(bold=True)
    for cell in ws[last]:
        cell.font = Font(bold=True)
    money = 2 + next(i for i, (g, _, _) in enumerate(COLUMNS, 1) if g.startswith("本期发放"))
    for line in range(5, last + 1):
        ws.cell(row=line, column=money).number_format = "#,##0.00"
        ws.row_dimensions[line].height = 20
    ws.row_dimensions[3].height = ws.row_dimensions[4].height = 22
    append_row(ws, [])
    append_row(ws, ["制表人：", "", "", "", "审核人：", "", "", "", "", "单位负责人：", "", "", "",
                    "填报日期：", "    年  月  日"])
    ws.cell(row=ws.max_row, column=15).alignment = Alignment(horizontal="left")
    note = "说明：期末数为统计期最后一日在保数；新增、停保、调整为本期内的变动；发放金额按发放表所列期间分摊到月。"
    append_row(ws, [note])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    ws.cell(row=ws.max_row, column=1).font = Font(size=9)
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 14
    for j in range(3, width + 1):
        ws.column_dimensions[get_column_letter(j)].width = 11 if j == money else 7.5
    print_landscape(ws, "3:4", pages_high=1)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4

