"""The 低保边缘 sheet: the rows of generators/rules/edge.listing, printable as handed out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.policy import Policy

from .cells import append_row, print_landscape
from .rules.edge import multiple

HEADER = ["序号", "乡镇", "村(社区)", "户编号", "户主", "身份证号", "情形", "日期", "原因", "人均月收入(元)", "低保标准(元)",
          "边缘线(元)", "是否低保边缘", "再次申请"]
WIDTHS = (6, 10, 12, 16, 8, 20, 8, 11, 26, 10, 9, 9, 9, 11)


def write_xlsx(rows: list[dict[str, Any]], since: str, area: str, policy: Policy, out: Path) -> Path:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "低保边缘"
    append_row(ws, [f"{area}低保边缘及退出、未纳入家庭名单（{since}以来）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    append_row(ws, HEADER)
    for i, r in enumerate(rows, 1):
        append_row(ws, [i, r["township"], r["village"], r["household_id"], r["head"], r["head_id"], r["kind"], r["date"],
                        r["reason"], r["income_per_capita"], r["standard"], r["edge_line"],
                        "是" if r["edge"] else ("否" if r["income_per_capita"] is not None else "收入未登记"),
                        r["returned"] or ""])
    append_row(ws, [f"说明：边缘线为当地低保标准的{multiple(policy):g}倍；人均月收入为决定时档案中最近一次登记的收入。"
                    "本名单供动态监测、应保尽保排查使用，不得公开。"])
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row - 1):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for j, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = width
    print_landscape(ws, "2:2")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
