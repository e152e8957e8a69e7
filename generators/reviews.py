"""复核计划: the households whose periodic review falls due (or is overdue) by the end of a month, by
village, with class and last review — what a township prints to plan its home visits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from archiver.catalog import Catalog
from archiver.months import month_end
from archiver.policy import Policy
from archiver.privacy import mask_id

from . import stats
from .cells import append_row


def due(cat: Catalog, month: str, scope: str | None, policy: Policy) -> list[dict]:
    y, m = map(int, month.split("-"))
    first, last = dt.date(y, m, 1), month_end(y, m)
    out = []
    for h in cat.households(stats.area(cat, scope), full=True):
        if not h.in_care_on(last.isoformat()):
            continue
        due_on = stats.review_due_on(h, last.isoformat(), policy)
        if due_on is not None and due_on <= last:
            since = stats.last_review_or_start(h, last.isoformat())
            months = policy.review_months.get(h.category or "")
            out.append({"village": h.village, "household_id": h.key, "head": h.head_name,
                        "head_id": mask_id(h.head_id_number), "category": h.category, "interval": months,
                        "last_review": since, "due": due_on.isoformat(), "overdue": due_on < first,
                        "persons": h.persons or len(h.members_on(last.isoformat()))})
    return sorted(out, key=lambda r: (r["village"], r["due"], r["household_id"]))


def write_xlsx(rows: list[dict], month: str, scope: str | None, out: Path) -> Path:
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "复核计划"
    append_row(ws, [f"{scope or '全县'}{month[:4]}年{int(month[5:])}月低保对象定期复核计划"])
    ws["A1"].font = Font(size=14, bold=True)
    header = ["序号", "村(社区)", "户编号", "户主", "身份证号", "分类", "复核周期(月)", "上次复核/审批", "应复核日期", "状态", "人数"]
    append_row(ws, header)
    red = PatternFill("solid", fgColor="FFD7D7")
    for i, r in enumerate(rows, 1):
        append_row(ws, [i, r["village"], r["household_id"], r["head"], r["head_id"], r["category"], r["interval"],
                   r["last_review"], r["due"], "逾期" if r["overdue"] else "本月到期", r["persons"]])
        if r["overdue"]:
            for cell in ws[ws.max_row]:
                cell.fill = red
    for col, width in zip("ABCDEFGHIJK", (6, 12, 16, 10, 22, 6, 12, 14, 14, 10, 6), strict=True):
        ws.column_dimensions[col].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
