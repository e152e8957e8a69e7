"""Inspection-ready household dossiers (一户一档): cover page, checklist of required documents,
table of contents with page numbers, then every document in the canonical order with a bookmark each.
Images are placed on A4 pages, PDFs merged page for page. IDs on the cover are masked."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver import codekeys, heif, pdf, qr
from archiver.catalog import Catalog
from archiver.catalog.models import STOP_KINDS, Document, Household, today
from archiver.home import Home
from archiver.policy import Policy
from archiver.privacy import mask_account, mask_id

from .render import render_html
from .rules import completeness

ORDER = ["申请书", "承诺书", "授权书", "户口簿", "身份证", "入户调查表", "核对报告", "收入证明", "民主评议记录", "公示记录", "审批表",
         "低保证", "银行卡/存折", "复核记录", "停保告知书", "其他"]


@dataclass
class Entry:
    doc: Document
    pages: int
    start: int = 0  # first page number in the dossier (1-based)


def ordered(docs: list[Document]) -> list[Document]:
    rank = {t: i for i, t in enumerate(ORDER)}
    return sorted(docs, key=lambda d: (rank.get(d.type, len(ORDER)), d.date or "", d.document_id))


def _page_count(home: Home, d: Document) -> int:
    path = home.root / d.path
    if path.suffix.lower() == ".pdf":
        return pdf.page_count(path)
    if path.suffix.lower() in (".tif", ".tiff"):
        from PIL import Image

        with Image.open(path) as img:
            return getattr(img, "n_frames", 1)
    if path.suffix.lower() == ".docx":
        return 1
    return 1


# 责任者 of each document type: who made it, as a 卷内目录 names it
AUTHORS = {"申请书": "申请人", "承诺书": "申请人", "授权书": "申请人及家庭成员", "核对报告": "{office}", "停保告知书": "{office}", "户口簿": "公安机关", "身份证": "公安机关", "入户调查表": "{township}",
           "收入证明": "出具单位", "民主评议记录": "{village}评议小组", "公示记录": "{township}", "审批表": "{office}",
           "低保证": "{office}", "银行卡/存折": "代发金融机构", "复核记录": "{township}"}


def _author(doc_type: str, h: Household, policy: Policy) -> str:
    from archiver import localrules

    who = AUTHORS.get(doc_type, "")
    return who.format(township=localrules.issuer(policy, h.township) if policy.issuers.get(h.township)
                      else f"{h.township}人民政府", village=h.village, office=policy.office.name) or "—"


def stopped_on(h: Household) -> str | None:
    """The date benefits stopped, when the household is not in 保 today."""
    if h.in_care_on(today()):
        return None
    stops = [e.date for e in h.events if e.kind in STOP_KINDS]
    return max(stops) if stops else None


def retention(h: Household, policy: Policy) -> dict:
    """保管期限 from the retention rules: approval files at least N years after benefits stop, routine files
    at least M years from when they were made."""
    from archiver import localrules

    after_stop, routine = localrules.retention_years(policy)
    stop = stopped_on(h)
    dates = [d.date for d in h.documents if d.date]
    if stop:
        until = f"{int(stop[:4]) + after_stop}{stop[4:]}"
        text = f"审批类材料保管至{until}（停保后{after_stop}年）；日常管理材料自形成之日起保管{routine}年"
        if dates:
            text += f"（本卷最晚至{int(max(dates)[:4]) + routine}{max(dates)[4:]}）"
        return {"text": text + "。", "approval_until": until, "after_stop_years": after_stop, "routine_years": routine}
    return {"text": f"在保期间长期保管；停保后审批类材料再保管{after_stop}年，日常管理材料自形成之日起保管{routine}年。",
            "approval_until": None, "after_stop_years": after_stop, "routine_years": routine}


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def generated_pages(h: Household, case_list: list[Any] | None = None, basis: Any = None) -> list[dict]:
    """Pages the dossier makes from the catalog: the payment history always; the case timeline (办理过程) when
    the household has cases; the basis of the amount (generators/rules/basis.py) when it is given."""
    pays: list[list[Any]] = [[p.period_start if p.period_start == p.period_end else f"{p.period_start}至{p.period_end}",
             f"{p.amount:,.2f}元", p.persons if p.persons is not None else "", mask_account(p.bank_account) or "—"]
            for p in sorted(h.payments, key=lambda p: (p.period_start, p.period_end))]
    total = sum(p.amount for p in h.payments)
    pages: list[dict[str, Any]] = [{"title": "低保金发放记录", "headers": ["发放期间", "金额", "保障人数", "账号"], "rows": pays,
              "note": f"共{len(pays)}笔，合计{total:,.2f}元（据发放表）。" if pays else ""}]
    cases = case_list if case_list is not None else getattr(h, "cases", None)  # generators/rules/cases.py
    if cases:
        rows: list[list[Any]] = []
        for c in cases:
            for st in _get(c, "steps") or []:
                end = _get(st, "end")
                rows.append([_get(c, "kind") or "", _get(st, "step") or "", _get(st, "date") or "未见材料",
                             end or "", _get(st, "due") or "", "逾期" if _get(st, "late") else ""])
        pages.append({"title": "办理过程", "headers": ["事项", "环节", "日期", "截止", "时限", "备注"], "rows": rows, "note": ""})
    if basis is not None:
        labels = {"standard": "低保标准（每人每月）", "income_per_capita": "家庭月人均收入",
                  "covered_persons": "保障人数", "due_monthly": "核定月保障金", "mode": "计算方式"}
        pages.append({"title": "待遇核定依据", "headers": ["项目", "内容"],
                      "rows": [[label, _basis_value(k, _get(basis, k))] for k, label in labels.items()],
                      "note": ""})
    return pages


MONEY_KEYS = ("standard", "income_per_capita", "due_monthly")


def _basis_value(key: str, value: Any) -> Any:
    """Money as 1,677.00元; a count or a word as it is."""
    if value is None:
        return "—"
    if key in MONEY_KEYS and isinstance(value, (int, float)):
        return f"{value:,.2f}元"
    return value


def _context(h: Household, entries: list[Entry], policy: Policy, front_pages: int, generated: list[dict],
             secret: bytes | None = None) -> dict:
    from .documents import cn_date

    checklist = [{"label": label, "present": bool(got), "dates": "、".join(d.date or "日期不详" for d in got)}
                 for label, got in completeness.for_household(h, policy, [e.doc for e in entries])]
    reviews = [e.doc for e in entries if e.doc.type == "复核记录"]
    last_review = max((d.date or "" for d in reviews), default="")
    checklist.append({"label": f"复核记录（{h.category or '-'}类，每{policy.review_months.get(h.category or '', '-')}个月）",
                      "present": bool(reviews), "dates": last_review or "无"})
    rows: list[dict[str, Any]] = []
    for e in entries:
        last = e.start + front_pages + e.pages - 1
        first = e.start + front_pages
        rows.append({"number": "—", "author": _author(e.doc.type, h, policy), "title": e.doc.type,
                     "date": e.doc.date or "日期不详", "pages": str(first) if last == first else f"{first}-{last}",
                     # 备注 is for the archivist (a date not on the paper), never a scanner's file name or upload path
                     "note": "" if e.doc.date else "日期待核"})
    return {
        "office": policy.office.name, "qr_png": base64.b64encode(qr.png(h.key, scale=6, secret=secret)).decode(),
        "household": {"key": h.key, "township": h.township, "village": h.village, "head_name": h.head_name,
                      "head_id": mask_id(h.head_id_number), "area_type": h.area_type, "category": h.category or "-",
                      "status": h.status, "amount": f"{h.monthly_amount or 0:,.2f}", "approved_on": h.approved_on or "",
                      "persons": h.persons or "", "stopped_on": stopped_on(h)},
        "members": [{"name": m.name, "relation": m.relation, "id": mask_id(m.id_number),
                     "note": "已减少" if m.removed_on else ""} for m in h.members],
        "checklist": checklist, "missing": completeness.missing(h, policy), "entries": rows,
        "document_pages": sum(e.pages for e in entries), "generated": generated, "retention": retention(h, policy),
        "today": today(), "today_cn": cn_date(today()),
        "toc": toc(h, policy, rows, generated, front_pages + sum(e.pages for e in entries) + 1),
    }


def _span(first: int | None, last: int | None) -> str:
    if not first:
        return ""
    return str(first) if not last or last <= first else f"{first}-{last}"


def toc(h: Household, policy: Policy, rows: list[dict[str, Any]], generated: list[dict], back_page: int) -> list[dict]:
    """The 卷内目录 in page order: the pages dibao makes (right after the 目录), the filed documents, then the
    卷内备考表; each row with the pages it starts (and ends) on in the bound volume."""
    out = []
    for g in generated:
        out.append({"number": "—", "author": policy.office.name, "title": f"{g['title']}（系统生成）", "date": today(),
                    "pages": _span(g.get("page"), g.get("last")), "note": ""})
    out += rows
    out.append({"number": "—", "author": "立卷人", "title": "卷内备考表", "date": today(), "pages": str(back_page), "note": ""})
    return out


def back_context(ctx: dict, entries: list[Entry], front_pages: int, total_pages: int) -> dict:
    """The 卷内备考表's figures: the front matter's context plus the volume's counts."""
    return {**ctx, "documents": len(entries), "generated_pages": front_pages, "total_pages": total_pages,
            "undated": sum(1 for e in entries if not e.doc.date)}


def build(home: Home, h: Household, policy: Policy, out: Path, cat: Catalog | None = None) -> Path:
    from weasyprint import HTML

    from .rules import cases

    entries = [Entry(d, _page_count(home, d)) for d in ordered(h.documents)]
    page = 1
    for e in entries:
        e.start = page
        page += e.pages
    own = cat is None
    cat = cat or Catalog.of(home)
    try:
        from .rules import basis

        generated = generated_pages(h, cases.household_cases(cat, h, policy), basis.compute(h, today(), policy))
        from .rules import objections

        generated += objections.dossier_pages(cat, h)
    finally:
        if own:
            cat.close()
    for g in generated:
        g["page"] = None
    front_pages = 2 + len(generated)
    for _ in range(4):  # the front matter's own length decides the page numbers in its 卷内目录
        ctx = _context(h, entries, policy, front_pages, generated, codekeys.secret(home.root))
        rendered = HTML(string=render_html("dossier.html", home.templates, ctx)).render()
        starts: dict[str, int] = {}
        for i, p in enumerate(rendered.pages, 1):
            for anchor in p.anchors:
                starts.setdefault(anchor, i)
        changed = len(rendered.pages) != front_pages or any(g.get("page") != starts.get(f"g{k}") for k, g in enumerate(generated))
        for k, g in enumerate(generated):
            g["page"] = starts.get(f"g{k}")
            nxt = starts.get(f"g{k + 1}") if k + 1 < len(generated) else len(rendered.pages) + 1
            g["last"] = nxt - 1 if g["page"] and nxt else None
        front_pages = len(rendered.pages)
        if not changed:
            break
    result = pdf.Builder()
    result.add_pdf(rendered.write_pdf())
    marks = [("封面与材料清单", 1), ("卷内目录", 2)]
    marks += [(g["title"], g["page"]) for g in generated if g.get("page")]
    for e in entries:
        at = result.page_count + 1
        _append(result, home.root / e.doc.path)
        marks.append((f"{e.doc.type} {e.doc.date or ''}".strip(), at))
    back_ctx = back_context(ctx, entries, front_pages, result.page_count + 1)
    marks.append(("卷内备考表", result.page_count + 1))
    result.add_pdf(HTML(string=render_html("dossier_back.html", home.templates, back_ctx)).write_pdf())
    for title, at in marks:
        result.bookmark(title, at)
    out.parent.mkdir(parents=True, exist_ok=True)
    result.save(out)
    return out


def _append(result: pdf.Builder, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        result.add_pdf(path)
        return
    if suffix == ".docx":
        from weasyprint import HTML

        from .render import CJK_FONTS, esc

        css = f"@page {{ size: A4; margin: 20mm; }} body {{ font-family: {CJK_FONTS}; font-size: 12pt; }}"
        result.add_pdf(HTML(string=f'<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head>'
                                   f"<body><p>Word文档：{esc(path.name)}</p></body></html>").write_pdf())
        return
    from PIL import Image, ImageSequence

    heif.enable()  # phone photos (.heic) are placed like any scan
    with Image.open(path) as img:
        for frame in ImageSequence.Iterator(img):
            result.add_image(frame)


def index_context(rows: list[tuple[Household, Path]], policy: Policy, village: str) -> dict:
    from .documents import cn_date

    header = ["户编号", "户主", "状态", "分类", "材料份数", "缺少材料", "保管期限", "文件"]
    data = [[h.key, h.head_name, h.status, h.category or "", len(h.documents), "、".join(completeness.missing(h, policy)),
             (lambda r: f"至{r['approval_until']}" if r["approval_until"] else "在保")(retention(h, policy)), p.name]
            for h, p in rows]
    return {"village": village, "header": header, "rows": data, "office": policy.office.name, "today_cn": cn_date(today())}


def write_index(rows: list[tuple[Household, Path]], policy: Policy, folder: Path, village: str,
                home_templates: Path | None = None) -> None:
    """索引 of a village's dossiers, as xlsx and PDF: household, head, status, documents, missing, retention."""
    import openpyxl
    from weasyprint import HTML

    from .cells import append_row

    ctx = index_context(rows, policy, village)
    header, data = ctx["header"], ctx["rows"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "档案索引"
    append_row(ws, [f"{village}低保档案索引"])
    append_row(ws, header)
    for r in data:
        append_row(ws, r)
    ws.column_dimensions["A"].width = 16
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    wb.save(folder / "索引.xlsx")
    HTML(string=render_html("dossier_index.html", home_templates, ctx)).write_pdf(str(folder / "索引.pdf"))
