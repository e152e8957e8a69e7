"""Public notices (公示) of a village's 新增 / 停保 / 调整 households, as PDF or Word.

Privacy by rule (个人信息保护法): a notice shows the head's name (masked 张*英 when policy says so),
the village and group, persons and amount — never an ID number, bank account, phone, health or
disability detail. What may be shown is decided in archiver.privacy, not here.

The wording lives in `wording()` only; the Word template (templates/notice.docx) and the PDF's HTML
(templates/notice.html) lay it out, so both formats say the same. The notice is signed by the office that
posts it: the township or street office named in policy (`[issuers]`), the county office otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from archiver import localrules
from archiver.catalog import Catalog, Scope
from archiver.catalog.models import Household
from archiver.errors import UserError
from archiver.placeholders import text_or_prompt
from archiver.policy import Policy
from archiver.privacy import mask_name, public_reason

from .documents import cn_date, render_docx
from .gongwen import office_name
from .render import html_to_pdf, render_html
from .rules import pending
from .rules.caserules import last_posted_day

KINDS = {"新增": ("新增", "恢复"), "停保": ("停保", "退出", "注销"), "调整": ("调增", "调减")}
VERB = {"新增": "纳入", "停保": "停发", "调整": "调整保障金额的"}
_GROUP = re.compile(r"(\d+组|[一二三四五六七八九十]+组)")


class NoticeProblem(UserError, ValueError):
    """Bad request (exit 2)."""


class NothingToNotice(UserError, LookupError):
    """The selection holds no case: exit 1 with this message, and no file is written."""


@dataclass
class Row:
    name: str
    place: str
    persons: str
    amount: str
    category: str
    date: str
    reason: str = ""  # 停保: the public form of the recorded reason (archiver.privacy.public_reason)
    pending: bool = False  # awaiting the decision (拟纳入/拟停保 from generators/rules/pending.py), not yet approved


def rows_for(cat: Catalog, scope: Scope, kind: str, since: str, until: str, policy: Policy,
             keys: set[str] | None = None) -> list[Row]:
    """The village's households for the notice: those with an approved event of this kind dated in
    [since, until] (the latest one each), and — for 新增 and 停保 — the cases still awaiting a decision
    that generators/rules/pending.py puts on this period's notice (a 公示 comes before the approval: 入户调查
    done, a review concluding 停保, a death). A household is listed once, its approved event first.
    `keys` narrows it to an explicit list of households (and lists their overdue applications too)."""
    households = [h for h in cat.households(scope, full=True, payments=False) if keys is None or h.key in keys]
    out = []
    for h in households:
        events = [e for e in h.events if e.kind in KINDS[kind] and since <= e.date <= until]
        if not events:
            continue
        e = events[-1]
        persons = e.new_persons if kind != "停保" else e.old_persons
        amount = e.new_amount if kind != "停保" else e.old_amount
        if kind == "调整" and e.old_amount is not None and e.new_amount is not None:
            amount_text = f"由{e.old_amount:g}元调整为{e.new_amount:g}元"
        else:
            amount_text = _amount(amount)
        out.append(_row(h, policy, persons if persons is not None else (h.persons or None), amount_text, e.date,
                        public_reason(e.reason) if kind == "停保" else ""))
    listed = {h.id for h in households if any(e.kind in KINDS[kind] and since <= e.date <= until for e in h.events)}
    found = (pending.new_cases(cat, households, policy, since, until, named=keys is not None) if kind == "新增"
             else pending.stops(cat, scope, households, policy, since, until) if kind == "停保" else {})
    for hid, p in found.items():
        if hid not in listed:
            out.append(_row(p.household, policy, p.persons, _amount(p.amount), p.date,
                            public_reason(p.reason) if kind == "停保" else "", pending=True))
    return sorted(out, key=lambda r: (r.date, r.place, r.name))


def _amount(amount: float | None) -> str:
    return f"{amount:.0f}" if amount is not None else "-"


def _row(h: Household, policy: Policy, persons: int | None, amount: str, date: str, reason: str,
         pending: bool = False) -> Row:
    return Row(mask_name(h.head_name) if policy.notice.mask_names else h.head_name, _place(h),
               str(persons) if persons is not None else "-", amount, f"{h.category}类" if h.category else "-", date,
               reason, pending)


def _place(h: Household) -> str:
    m = _GROUP.search(h.address or "")
    return h.village + (m.group(1) if m else "")


def wording(kind: str, village: str, households: int, persons: int, issuer: str, county: str,
            decided: bool = False) -> dict[str, str]:
    """Every sentence of a notice, once, for both formats. `decided`: every 停保 / 调整 listed is already
    approved (a 公示 of the decision: 停发, not 拟停发)."""
    if decided and kind != "新增":
        return _decided_wording(kind, village, households, issuer, county)
    title = {"新增": f"{village}拟纳入最低生活保障对象公示", "停保": f"{village}拟停发最低生活保障金对象公示",
             "调整": f"{village}拟调整最低生活保障金额对象公示"}[kind]
    basis = "根据《社会救助暂行办法》和最低生活保障有关规定，"
    intro = {"新增": f"{basis}经本人申请、入户调查和审核，现将{village}拟纳入最低生活保障的对象名单公示如下"
                     f"（共{households}户{persons}人）：",
             "停保": f"{basis}经核查，{village}以下家庭已不再符合最低生活保障条件，拟停发最低生活保障金，现公示如下"
                     f"（共{households}户）：",
             "调整": f"{basis}经复核，{village}以下家庭的收入或人口发生变化，拟调整最低生活保障金额，现公示如下"
                     f"（共{households}户）："}[kind]
    objection = (f"公示期内，任何单位和个人如有异议，可向{issuer}反映" + (f"，或向{county}反映" if county != issuer else "")
                 + "。反映情况应实事求是，我们将依法保护反映人的信息。")
    return {"title": title, "intro": intro, "objection": objection}


def _objection(issuer: str, county: str) -> str:
    return (f"公示期内，任何单位和个人如有异议，可向{issuer}反映" + (f"，或向{county}反映" if county != issuer else "")
            + "。反映情况应实事求是，我们将依法保护反映人的信息。")


def _decided_wording(kind: str, village: str, households: int, issuer: str, county: str) -> dict[str, str]:
    basis = "根据《社会救助暂行办法》和最低生活保障有关规定，"
    if kind == "停保":
        return {"title": f"{village}停发最低生活保障金对象公示",
                "intro": f"{basis}经核查，{village}以下家庭已不再符合最低生活保障条件，经审核确认，决定停发最低生活保障金，"
                         f"现公示如下（共{households}户）：", "objection": _objection(issuer, county)}
    return {"title": f"{village}调整最低生活保障金额对象公示",
            "intro": f"{basis}经复核，{village}以下家庭的收入或人口发生变化，经审核确认，调整最低生活保障金额，现公示如下"
                     f"（共{households}户）：", "objection": _objection(issuer, county)}


def _villages(cat: Catalog, village: str | None, township: str | None) -> list[tuple[str, str]]:
    """(township, village) pairs the notice covers."""
    from archiver.catalog import areas

    names = cat.area_names()
    if township:
        if township not in names:
            raise NoticeProblem(f"乡镇不存在：{township} / unknown township")
        village = areas.split(village)[1] or village if village and areas.SEP in village else village
        pairs = [(township, v) for v in names[township] if not village or v == village]
    else:
        # 乡镇/村, or a bare name only one township has (two 红旗村 are two villages); AreaProblem is a UserError
        scope = areas.resolve(cat, str(village), village_only=True)
        pairs = [(str(scope.township), str(scope.village))]
    if not pairs:
        raise NoticeProblem(f"该村没有低保户记录：{village} / no households in village")
    return pairs


def period(start: dt.date, until: dt.date | None, days: int) -> tuple[str, str, dt.date]:
    """Cases dated from `start` to `until`; without `until`, the calendar month of `start`, or up to the
    notice's last day when it runs into the next month (a 公示 precedes the approval that becomes the event)."""
    end = last_posted_day(start, days)
    if until is not None:
        if until < start:
            raise NoticeProblem(f"--to 早于 --from：{until} < {start} / --to is before --from")
        return start.isoformat(), until.isoformat(), end
    since = start.replace(day=1)
    month_end = (since + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return since.isoformat(), max(month_end, end).isoformat(), end


def context(cat: Catalog, village: str | None, kind: str, start: dt.date, days: int, policy: Policy,
            until: dt.date | None = None, township: str | None = None, keys: set[str] | None = None) -> dict:
    if kind not in KINDS:
        raise NoticeProblem(f"公示类型应为 新增、停保 或 调整：{kind} / kind must be 新增, 停保 or 调整")
    if not village and not township:
        raise NoticeProblem("请给出 --village 或 --township / give --village or --township")
    since, to, end = period(start, until, days)
    notices = []
    for t, v in _villages(cat, village, township):
        rows = rows_for(cat, Scope(township=t, village=v), kind, since, to, policy, keys)
        if not rows:
            continue
        issuer = localrules.issuer(policy, t)
        persons = sum(int(r.persons) for r in rows if r.persons.isdigit())
        notices.append({"township": t, "village": v, "issuer": issuer, "rows": [r.__dict__ for r in rows],
                        **wording(kind, v, len(rows), persons, issuer, office_name(policy),
                                  decided=not any(r.pending for r in rows))})
    if not notices:
        where = township + (f"{village}" if village else "各村") if township else str(village)
        raise NothingToNotice(f"{where}在{cn_date(since)}至{cn_date(to)}没有{kind}对象，未生成公示"
                              f"（可用 --from/--to 指定其他期间）/ "
                              f"no {kind} cases in the selection; no file written")
    first = notices[0]
    return {"office": office_name(policy), "kind": kind, "kind_verb": VERB[kind], "notices": notices,
            "village": first["village"], "issuer": first["issuer"], "rows": first["rows"],
            "title": first["title"], "intro": first["intro"], "objection": first["objection"],
            "show_category": localrules.notice_category_column(policy), "show_reason": kind == "停保",
            "selected_from": cn_date(since), "selected_to": cn_date(to),
            "period_from": cn_date(start.isoformat()), "period_to": cn_date(end.isoformat()), "days": days,
            "phone": localrules.phone(policy, str(first["township"])) if localrules.has_own_phone(policy, str(first["township"]))
            else text_or_prompt(policy.office.supervision_phone, policy, "office.phone"),
            "date_signed": cn_date(start.isoformat())}


def render(cat: Catalog, village: str | None, kind: str, start: dt.date, days: int, policy: Policy, out: Path,
           home_templates: Path | None, until: dt.date | None = None, township: str | None = None,
           keys: set[str] | None = None) -> Path:
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".docx"):
        raise NoticeProblem(f"输出文件应为 .pdf 或 .docx：{out.name} / output must be .pdf or .docx")
    ctx = context(cat, village, kind, start, days, policy, until, township, keys)
    if suffix == ".docx":
        return render_docx("notice.docx", home_templates, ctx, out)
    if len(ctx["notices"]) == 1:
        return html_to_pdf(render_html("notice.html", home_templates, ctx), out)
    return _one_pdf_per_notice(ctx, out, home_templates)


def _one_pdf_per_notice(ctx: dict, out: Path, home_templates: Path | None) -> Path:
    """A township's notices, each numbered from its own first page ("第1页/共2页" is that village's, as it
    is posted on that village's board), in one file."""
    import io

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    from .render import TEMPLATES

    writer = PdfWriter()
    for n in ctx["notices"]:
        markup = render_html("notice.html", home_templates, {**ctx, "notices": [n]})
        for page in PdfReader(io.BytesIO(HTML(string=markup, base_url=str(TEMPLATES)).write_pdf())).pages:
            writer.add_page(page)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        writer.write(f)
    return out
