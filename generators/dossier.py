"""Inspection-ready household dossiers (一户一档): cover page, checklist of required documents,
table of contents with page numbers, then every document in the canonical order with a bookmark each.
Images are placed on A4 pages, PDFs merged page for page. IDs on the cover are masked."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from archiver import heif, pdf, qr
from archiver.catalog.models import Document, Household
from archiver.home import Home
from archiver.policy import Policy
from archiver.privacy import mask_id

from . import completeness
from .render import CJK_FONTS, esc

ORDER = ["申请书", "承诺书", "户口簿", "身份证", "入户调查表", "收入证明", "民主评议记录", "公示记录", "审批表", "低保证",
         "银行卡/存折", "复核记录", "其他"]


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


def _front(h: Household, entries: list[Entry], policy: Policy, front_pages: int) -> str:
    img = base64.b64encode(qr.png(h.key, scale=6)).decode()
    members = "".join(f"<tr><td>{esc(m.name)}</td><td>{esc(m.relation)}</td><td>{esc(mask_id(m.id_number))}</td>"
                      f"<td>{esc(m.removed_on and '已减少' or '')}</td></tr>" for m in h.members)
    checklist = []
    for label, got in completeness.for_household(h, policy, [e.doc for e in entries]):
        mark = "✓" if got else "✗"
        dates = "、".join(d.date or "日期不详" for d in got)
        checklist.append(f"<tr><td>{esc(label)}</td><td class='mark'>{mark}</td><td>{esc(dates)}</td></tr>")
    reviews = [e.doc for e in entries if e.doc.type == "复核记录"]
    last_review = max((d.date or "" for d in reviews), default="")
    checklist.append(f"<tr><td>复核记录（{esc(h.category or '-')}类，每{policy.review_months.get(h.category or '', '-')}个月）</td>"
                     f"<td class='mark'>{'✓' if reviews else '✗'}</td><td>{esc(last_review or '无')}</td></tr>")
    toc = "".join(f"<tr><td>{i}</td><td>{esc(e.doc.type)}</td><td>{esc(e.doc.date or '日期不详')}</td>"
                  f"<td>{esc(e.doc.source_name)}</td><td>{e.start + front_pages}</td></tr>" for i, e in enumerate(entries, 1))
    missing = completeness.missing(h, policy)
    css = f"""@page {{ size: A4; margin: 18mm 18mm 20mm 18mm; @bottom-center {{ content: counter(page); font-family: {CJK_FONTS}; font-size: 9pt; }} }}
body {{ font-family: {CJK_FONTS}; font-size: 11pt; }}
h1 {{ text-align: center; font-size: 22pt; margin: 4mm 0; }} h2 {{ font-size: 14pt; margin: 5mm 0 2mm; }}
table {{ width: 100%; border-collapse: collapse; margin: 2mm 0; }} td, th {{ border: 1px solid #444; padding: 1.2mm 2mm; }}
.qr {{ float: right; width: 32mm; }} .mark {{ text-align: center; font-size: 14pt; }} .page {{ page-break-before: always; }}"""
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head><body>
<img class="qr" src="data:image/png;base64,{img}">
<h1>最低生活保障家庭档案</h1>
<p>{esc(policy.office_name)}　户编号：<b>{esc(h.key)}</b></p>
<table><tr><th>乡镇</th><td>{esc(h.township)}</td><th>村(社区)</th><td>{esc(h.village)}</td></tr>
<tr><th>户主</th><td>{esc(h.head_name)}</td><th>身份证号</th><td>{esc(mask_id(h.head_id_number))}</td></tr>
<tr><th>类别</th><td>{esc(h.area_type)}</td><th>分类</th><td>{esc(h.category or '-')}</td></tr>
<tr><th>状态</th><td>{esc(h.status)}</td><th>月保障金额</th><td>{h.monthly_amount or 0:.2f}元</td></tr>
<tr><th>纳入日期</th><td>{esc(h.approved_on or '')}</td><th>保障人数</th><td>{esc(h.persons or '')}</td></tr></table>
<h2>家庭成员</h2><table><tr><th>姓名</th><th>关系</th><th>身份证号</th><th>备注</th></tr>{members}</table>
<h2>材料清单</h2><table><tr><th>必备材料</th><th>有无</th><th>日期</th></tr>{''.join(checklist)}</table>
<p>{'档案齐全。' if not missing else '缺少：' + esc('、'.join(missing))}</p>
<div class="page"><h2>目录</h2><table><tr><th>序号</th><th>材料</th><th>日期</th><th>原文件</th><th>页码</th></tr>{toc}</table></div>
</body></html>"""


def build(home: Home, h: Household, policy: Policy, out: Path) -> Path:
    from weasyprint import HTML

    entries = [Entry(d, _page_count(home, d)) for d in ordered(h.documents)]
    page = 1
    for e in entries:
        e.start = page
        page += e.pages
    front_pages = 2
    for _ in range(3):  # the front matter's own length decides the page numbers in its TOC
        front = HTML(string=_front(h, entries, policy, front_pages)).write_pdf()
        n = pdf.page_count(front)
        if n == front_pages:
            break
        front_pages = n
    result = pdf.Builder()
    result.add_pdf(front)
    marks = [("封面与材料清单", 1), ("目录", front_pages)]
    for e in entries:
        at = result.page_count + 1
        _append(result, home.root / e.doc.path)
        marks.append((f"{e.doc.type} {e.doc.date or ''}".strip(), at))
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

        css = f"@page {{ size: A4; margin: 20mm; }} body {{ font-family: {CJK_FONTS}; font-size: 12pt; }}"
        result.add_pdf(HTML(string=f'<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head>'
                                   f"<body><p>Word文档：{esc(path.name)}</p></body></html>").write_pdf())
        return
    from PIL import Image, ImageSequence

    heif.enable()  # phone photos (.heic) are placed like any scan
    with Image.open(path) as img:
        for frame in ImageSequence.Iterator(img):
            result.add_image(frame)


def write_index(rows: list[tuple[Household, Path]], policy: Policy, folder: Path, village: str) -> None:
    """索引 of a village's dossiers, as xlsx and PDF: household, head, status, documents, missing."""
    import openpyxl
    from weasyprint import HTML

    from .cells import append_row

    header = ["户编号", "户主", "状态", "分类", "材料份数", "缺少材料", "文件"]
    data = [[h.key, h.head_name, h.status, h.category or "", len(h.documents), "、".join(completeness.missing(h, policy)),
             p.name] for h, p in rows]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "档案索引"
    append_row(ws, [f"{village}低保档案索引"])
    append_row(ws, header)
    for r in data:
        append_row(ws, r)
    wb.save(folder / "索引.xlsx")
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in data)
    heads = "".join(f"<th>{esc(c)}</th>" for c in header)
    css = f"@page {{ size: A4 landscape; margin: 15mm; }} body {{ font-family: {CJK_FONTS}; font-size: 10pt; }} " \
          "table { width: 100%; border-collapse: collapse; } td, th { border: 1px solid #444; padding: 1mm; }"
    HTML(string=f'<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head><body>'
                f"<h1>{esc(village)}低保档案索引</h1><table><thead><tr>{heads}</tr></thead>{body}</table></body></html>"
         ).write_pdf(str(folder / "索引.pdf"))
