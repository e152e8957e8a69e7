"""Households at the edge (低保边缘): those refused, stopped or ended by 渐退 since a day, with the reason, the
last per-capita income on file against the standard and the 低保边缘 line (policy.toml [edge] multiple of
the standard, 1.5 by default) — the list the 动态监测 and 应保尽保 follow-ups work from. A household that
applies again keeps its one file (registration refuses a second household for its members): the list says
when it came back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.catalog import Catalog, Scope
from archiver.catalog.models import START_KINDS, STOP_KINDS, Household, today
from archiver.policy import Policy
from archiver.privacy import mask_id

from .cells import append_row, print_landscape
from .rules import basis, cases

HEADER = ["序号", "乡镇", "村(社区)", "户编号", "户主", "身份证号", "情形", "日期", "原因", "人均月收入(元)", "低保标准(元)",
          "边缘线(元)", "是否低保边缘", "再次申请"]
DEATH = ("死亡", "去世", "病故")  # a household that ended with its last member's death has no one to follow up
WIDTHS = (6, 10, 12, 16, 8, 20, 8, 11, 26, 10, 9, 9, 9, 11)


def multiple(policy: Policy) -> float:
    return policy.edge.multiple


def listing(cat: Catalog, scope: Scope, since: str, policy: Policy, until: str | None = None) -> list[dict[str, Any]]:
    until = until or today()
    households = cat.households(scope, full=True, payments=False)
    exits: list[tuple[Household, str, str, str]] = []  # household, 情形, date, reason
    for h in households:
        for e in h.events:
            if e.kind in STOP_KINDS and since <= e.date <= until and not any(w in (e.reason or "") for w in DEATH):
                kind = "渐退期满" if "渐退" in (e.reason or "") else "停保"
                exits.append((h, kind, e.date, e.reason or ""))
    ctx = cases.Context.load(cat, households, policy, until)
    for h in households:
        if not _may_be_refused(h, ctx):  # spare building the cases of a county's every household
            continue
        for c in cases.for_household(h, ctx):
            if c.kind == "新增" and c.outcome == "不予批准" and c.decided and since <= c.decided <= until:
                exits.append((h, "不予批准", c.decided, c.reason))
    out = []
    m = multiple(policy)
    for h, kind, day, reason in sorted(exits, key=lambda x: (x[0].township, x[0].village, x[2], x[0].key)):
        ipc = basis.per_capita(h, basis.income_on(h, day), day)
        standard = policy.standard_on(day, h.area_type) if h.area_type else None
        line = round(standard * m, 2) if standard is not None else None
        back = _came_back(h, day, ctx)
        out.append({"township": h.township, "village": h.village, "household_id": h.key, "head": h.head_name,
                    "head_id": mask_id(h.head_id_number), "kind": kind, "date": day, "reason": reason,
                    "income_per_capita": ipc, "standard": standard, "edge_line": line,
                    "edge": bool(ipc is not None and line is not None and ipc < line), "returned": back})
    return out


def _may_be_refused(h: Household, ctx: cases.Context) -> bool:
    """Whether anything on file could make a 新增 case a refusal (cases._build's signs of one)."""
    return any(e["step"] == "不予批准" for e in ctx.entries.get(h.id, [])) or any(
        d.type == "不予批准告知书" or ctx.facts.get(d.document_id, {}).get("refused") for d in h.documents)


def _came_back(h: Household, day: str, ctx: cases.Context) -> str | None:
    """The first application (or 新增/恢复) after `day` on the same household file."""
    later = [e.date for e in h.events if e.kind in START_KINDS and e.date > day]
    later += [c.applied for c in cases.for_household(h, ctx) if c.kind == "新增" and c.applied and c.applied > day]
    return min(later) if later else None


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
