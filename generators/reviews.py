"""复核计划: the households whose periodic review falls due (or is overdue) by the end of a month, by
village, with class and last review — what a township prints to plan its home visits, and fills in:
复核结果, 复核人 and 复核日期 are printed from what was recorded (`dibao review record`, or a filed 复核记录
scan) and left blank for the visits still to make."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from archiver.catalog import Catalog
from archiver.months import month_end
from archiver.policy import Policy
from archiver.privacy import mask_id

from . import stats
from .cells import append_row, print_landscape
from .rules import review_clock

HEADER = ["序号", "乡镇(街道)", "村(社区)", "户编号", "户主", "身份证号", "分类", "复核周期\n(月)", "上次复核\n/审批", "应复核\n日期",
          "状态", "人数", "复核结果", "复核人", "复核日期"]
WIDTHS = (6, 12, 12, 16, 10, 22, 8, 9, 13, 13, 10, 6, 22, 10, 12)


def due(cat: Catalog, month: str, scope: str | None, policy: Policy, include_done: bool = False,
        as_of: str | None = None) -> list[dict]:
    """Households due for review by the month's end. With `include_done`, the clock runs from the last review
    before the month, so a household reviewed during the month stays on the plan with its result. "overdue":
    due before the month began (the plan sheet), or with `as_of` overdue on that day (the dashboard)."""
    y, m = map(int, month.split("-"))
    first, last = dt.date(y, m, 1), month_end(y, m)
    area = stats.area(cat, scope)
    clock_day = (first - dt.timedelta(days=1)) if include_done else last
    done_rows = cat.reviews_between(area, first.isoformat(), last.isoformat()) if include_done else {}
    out = []
    for h in cat.households(area, full=True, payments=False):
        if not h.in_care_on(last.isoformat()):
            continue
        due_on = review_clock.due_on(h, clock_day.isoformat(), policy)
        if due_on is None or due_on > last:
            continue
        since = review_clock.last_review_or_start(h, clock_day.isoformat())
        months = review_clock.review_interval(h, policy)
        row = {"township": h.township, "village": h.village, "household_id": h.key, "head": h.head_name,
               "head_id": mask_id(h.head_id_number),
               "category": review_clock.class_label(h, policy),
               "interval": months,
               "last_review": since, "due": due_on.isoformat(),
               "overdue": review_clock.is_overdue(h, as_of, policy) if as_of else due_on < first,
               "persons": h.persons or len(h.members_on(last.isoformat())),
               "done": False, "review_date": "", "result": "", "reviewer": ""}
        if include_done:
            events = [e for e in h.events if e.kind == "复核" and first.isoformat() <= e.date <= last.isoformat()]
            if events:
                entered = done_rows.get(h.id, [])
                row.update(done=True, review_date=events[-1].date)
                if entered:
                    row.update(result=entered[-1].result, reviewer=entered[-1].reviewer, review_date=entered[-1].date)
                else:
                    row.update(result="见复核记录（扫描件）")
        out.append(row)
    return sorted(out, key=lambda r: (r["village"], r["due"], r["household_id"]))


def write_xlsx(rows: list[dict], month: str, scope: str | None, out: Path, office: str = "【待填写：制表单位】",
               made: str | None = None) -> Path:
    """One sheet, printable as handed out: A4 landscape, fit to one page wide, header row repeated."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "复核计划"
    append_row(ws, [f"{scope or '全县'}{month[:4]}年{int(month[5:])}月低保对象定期复核计划"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    from .documents import cn_date

    append_row(ws, [f"制表单位：{office}", *[""] * 9, f"制表日期：{cn_date(made or dt.date.today().isoformat())}"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=10)
    ws.merge_cells(start_row=2, start_column=11, end_row=2, end_column=len(HEADER))
    append_row(ws, HEADER)
    thin = Side(style="thin")
    red = PatternFill("solid", fgColor="FFD7D7")
    green = PatternFill("solid", fgColor="E2F0D9")
    for i, r in enumerate(rows, 1):
        status = "已复核" if r.get("done") else ("逾期" if r["overdue"] else "本月到期")
        append_row(ws, [i, r.get("township", ""), r["village"], r["household_id"], r["head"], r["head_id"], r["category"],
                   r["interval"],
                   r["last_review"], r["due"], status, r["persons"], r.get("result", ""), r.get("reviewer", ""),
                   r.get("review_date", "")])
        fill = green if r.get("done") else (red if r["overdue"] else None)
        if fill:
            for cell in ws[ws.max_row]:
                cell.fill = fill
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(vertical="center", wrap_text=cell.column > 12 or cell.row == 3,
                                       horizontal="center" if cell.row == 3 else None)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    ws.row_dimensions[3].height = 32  # two-line headers fit their columns
    for j, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = width
    for line in range(4, ws.max_row + 1):
        ws.row_dimensions[line].height = 24  # room to write the result by hand
    print_landscape(ws, "3:3")
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = "A4"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
