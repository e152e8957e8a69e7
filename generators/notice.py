"""Public notices (公示) of a village's 新增 / 停保 / 调整 households, as PDF or Word.

Privacy by rule (个人信息保护法): a notice shows the head's name (masked 张*英 when policy says so),
the village and group, persons and amount — never an ID number, bank account, phone, health or
disability detail. What may be shown is decided in archiver.privacy, not here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from archiver.catalog import Catalog, Scope
from archiver.catalog.models import Household
from archiver.errors import UserError
from archiver.months import month_end
from archiver.policy import Policy
from archiver.privacy import mask_name

from .documents import cn_date, render_docx
from .render import CJK_FONTS, esc, html_to_pdf

KINDS = {"新增": ("新增",), "停保": ("停保", "退出"), "调整": ("调增", "调减")}
VERB = {"新增": "纳入", "停保": "停发", "调整": "调整保障金额的"}
_GROUP = re.compile(r"(\d+组|[一二三四五六七八九十]+组)")


class NoticeProblem(UserError, ValueError):
    pass


@dataclass
class Row:
    name: str
    place: str
    persons: str
    amount: str


def rows_for(cat: Catalog, village: str, kind: str, since: str, until: str, policy: Policy) -> list[Row]:
    """Households of the village with an event of this kind dated in [since, until]."""
    out = []
    for h in cat.households(_village(cat, village), full=True):
        events = [e for e in h.events if e.kind in KINDS[kind] and since <= e.date <= until]
        if not events:
            continue
        e = events[-1]
        persons = e.new_persons if kind != "停保" else e.old_persons
        amount = e.new_amount if kind != "停保" else e.old_amount
        if kind == "调整" and e.old_amount is not None and e.new_amount is not None:
            amount_text = f"{e.old_amount:.0f}→{e.new_amount:.0f}"
        else:
            amount_text = f"{amount:.0f}" if amount is not None else "-"
        out.append(Row(mask_name(h.head_name) if policy.mask_names else h.head_name, _place(h),
                       str(persons if persons is not None else (h.persons or "-")), amount_text))
    return out


def _village(cat: Catalog, village: str) -> Scope:
    """A village by `乡镇/村`, or by its name when only one township has it (two 红旗村 are two villages)."""
    from archiver.catalog import areas

    try:
        return areas.resolve(cat, village, village_only=True)
    except areas.AreaProblem as exc:
        raise NoticeProblem(str(exc)) from exc


def _place(h: Household) -> str:
    m = _GROUP.search(h.address or "")
    return h.village + (m.group(1) if m else "")


def context(cat: Catalog, village: str, kind: str, start: dt.date, days: int, policy: Policy) -> dict:
    if kind not in KINDS:
        raise NoticeProblem(f"公示类型应为 新增、停保 或 调整：{kind} / kind must be 新增, 停保 or 调整")
    if not cat.households(_village(cat, village)):
        raise NoticeProblem(f"该村没有低保户记录：{village} / no households in village")
    end = start + dt.timedelta(days=days - 1)
    # the batch being announced: the changes dated in the month the notice opens (a 公示 precedes the
    # approval that becomes the event), or up to the notice's last day when it runs into the next month
    since = start.replace(day=1)
    last = month_end(since.year, since.month)
    rows = rows_for(cat, village, kind, since.isoformat(), max(last, end).isoformat(), policy)
    return {"office": policy.office_name, "village": _village(cat, village).village or village, "kind": kind, "kind_verb": VERB[kind],
            "rows": [r.__dict__ for r in rows], "period_from": cn_date(start.isoformat()),
            "period_to": cn_date(end.isoformat()), "days": days, "phone": policy.supervision_phone or "（请在policy.toml填写）",
            "date_signed": cn_date(start.isoformat())}


def render(cat: Catalog, village: str, kind: str, start: dt.date, days: int, policy: Policy, out: Path,
           home_templates: Path | None) -> Path:
    ctx = context(cat, village, kind, start, days, policy)
    if out.suffix.lower() == ".docx":
        return render_docx("notice.docx", home_templates, ctx, out)
    if out.suffix.lower() != ".pdf":
        raise NoticeProblem(f"输出文件应为 .pdf 或 .docx：{out.name} / output must be .pdf or .docx")
    return html_to_pdf(_html(ctx), out)


def _html(ctx: dict) -> str:
    rows = "".join(f"<tr><td>{i}</td><td>{esc(r['name'])}</td><td>{esc(r['place'])}</td><td>{esc(r['persons'])}</td>"
                   f"<td>{esc(r['amount'])}</td></tr>" for i, r in enumerate(ctx["rows"], 1))
    if not rows:
        rows = '<tr><td colspan="5">本期无公示对象</td></tr>'
    css = f"""@page {{ size: A4; margin: 30mm 26mm 30mm 28mm;
  @bottom-center {{ content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-family: {CJK_FONTS}; font-size: 10pt; }} }}
body {{ font-family: {CJK_FONTS}; font-size: 14pt; line-height: 1.6; }}
h1 {{ text-align: center; font-size: 22pt; margin: 0 0 8mm; }}
p {{ text-indent: 2em; margin: 2mm 0; }}
table {{ width: 100%; border-collapse: collapse; font-size: 12pt; margin: 4mm 0; }}
th, td {{ border: 1px solid #000; padding: 1.5mm 2mm; text-align: center; }}
thead {{ display: table-header-group; }}
tr {{ page-break-inside: avoid; }}
.sign {{ text-align: right; text-indent: 0; margin-top: 10mm; }}"""
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head><body>
<h1>{esc(ctx['village'])}最低生活保障{esc(ctx['kind'])}对象公示</h1>
<p>根据《社会救助暂行办法》和最低生活保障有关规定，经申请、入户调查、民主评议和乡镇（街道）审核，现将{esc(ctx['village'])}拟{esc(ctx['kind_verb'])}低保对象名单公示如下（共{len(ctx['rows'])}户）：</p>
<table><thead><tr><th>序号</th><th>户主姓名</th><th>村(组)</th><th>保障人数</th><th>月保障金额(元)</th></tr></thead>
<tbody>{rows}</tbody></table>
<p>公示期：{esc(ctx['period_from'])}至{esc(ctx['period_to'])}（共{ctx['days']}天）。公示期内如有异议，请向{esc(ctx['office'])}反映。</p>
<p>监督电话：{esc(ctx['phone'])}</p>
<p class="sign">{esc(ctx['office'])}（盖章）<br>{esc(ctx['date_signed'])}</p>
</body></html>"""
