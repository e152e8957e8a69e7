"""Pre-filled forms (`dibao form`): 申请书, 入户调查表, 审批表, 不予批准告知书, 复核表, filled from the
catalog (names, masked ID numbers, members, address, class, amount, standard) with a QR code that files
the signed scan back to the household and the case step (archiver/qr.py). Word templates staff can
edit (templates/form_*.docx, `dibao templates export`); a PDF is the same Word file converted by
LibreOffice, so an edited template prints the same either way. A whole village goes into one file.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from archiver import qr
from archiver.catalog.models import STOP_KINDS, Household, today
from archiver.errors import UserValueError
from archiver.policy import Policy
from archiver.privacy import mask_id

from .documents import TemplateProblem, cn_date
from .render import template_path
from .rules.cases import Case

KINDS = {"申请书": "form_application.docx", "入户调查表": "form_investigation.docx", "审批表": "form_approval.docx",
         "不予批准告知书": "form_refusal.docx", "复核表": "form_review.docx",
         "授权书": "form_consent.docx", "停保告知书": "form_stop.docx", "减保告知书": "form_reduce.docx"}
STEP_OF_FORM = {"申请书": "申请", "入户调查表": "入户调查", "审批表": "审批", "不予批准告知书": "告知", "复核表": "复核",
                "授权书": "核对", "停保告知书": "停保告知", "减保告知书": "调整告知"}
NOT_OF_A_CASE = ("复核", "停保告知", "调整告知")  # steps whose form belongs to no 新增 case (no case date in its code)
SIGNERS = ("form_consent.docx",)  # forms with a row per adult member to sign
PLACEHOLDER = "【待填写：{}】"

# Each form's title and its lines after the household table: the Word templates are built from these
# (scripts/make_templates.py), and the PDF is laid out from them when LibreOffice is not installed.
FORM_TEXT: dict[str, tuple[str, list[str]]] = {
    "form_application.docx": ("最低生活保障申请书", [
        "本人家庭因生活困难，现申请最低生活保障。家庭成员及收入、财产情况如实填报，如有隐瞒、虚报，愿承担相应责任；"
        "同意并授权民政部门核对家庭经济状况。",
        "家庭收入情况：________________________________________________",
        "家庭财产情况：________________________________________________",
        "申请理由：____________________________________________________",
        "申请人（签字/手印）：______________　　申请日期：______年____月____日",
        "受理人（签字）：______________　　受理日期：______年____月____日",
    ]),
    "form_investigation.docx": ("最低生活保障家庭经济状况入户调查表", [
        "{{ f.income_known }}",
        "家庭收入（元/年）：工资性______ 经营性______ 财产性______ 转移性______",
        "家庭财产：住房______ 车辆______ 存款______ 其他______",
        "生活状况及调查意见：________________________________________",
        "调查人：______________、______________（不少于2人，均须本人签字）",
        "调查日期：______年____月____日　　　　被调查人（签字）：______________",
    ]),
    "form_approval.docx": ("最低生活保障审核确认表", [
        "当地低保标准：{{ f.standard }} 元/人/月　　拟保障人数：{{ f.persons }} 人　　拟月保障金额：{{ f.amount }} 元",
        "公示情况：公示期______年____月____日至______年____月____日，公示期间有无异议：______",
        "乡镇（街道）审核意见：______________________________（盖章）",
        "县级民政部门审批意见：□ 批准　□ 不予批准　理由：______________________",
        "审批人（签字）：______________　　审批日期：______年____月____日",
    ]),
    "form_refusal.docx": ("最低生活保障不予批准告知书", [
        "{{ f.head_name }}：",
        "你（户）于{{ f.case_date_cn }}提出的最低生活保障申请，经入户调查、审核，于{{ f.decided_cn }}决定不予批准。",
        "不予批准的理由：{{ f.reason }}",
        "如对本决定有异议，可自收到本告知书之日起60日内向上一级民政部门申请行政复议，或6个月内向人民法院提起行政诉讼。"
        "监督电话：{{ f.phone }}。",
        "{{ f.office }}（盖章）",
        "告知日期：{{ f.notice_date_cn }}",
        "申请人签收：______________　　签收日期：______年____月____日",
    ]),
    "form_consent.docx": ("最低生活保障家庭经济状况核对授权书", [
        "{{ f.office }}：",
        "本人及共同生活的家庭成员申请（或正在享受）最低生活保障，同意并授权民政部门及其委托的核对机构，通过公安、"
        "人力资源社会保障、自然资源、住房城乡建设、市场监管、税务、住房公积金管理以及银行、证券、保险等机构，"
        "查询、核对本人及家庭成员的收入和财产状况，包括：存款及有价证券、车辆、房产、工商登记、住房公积金、"
        "社会保险和纳税等信息。核对结果仅用于最低生活保障审核确认和复核，民政部门对所获信息依法保密。",
        "本授权自签字之日起至本户退出最低生活保障之日止有效。以下年满{{ f.adult_age }}周岁的家庭成员须本人签字（或按手印）：",
    ]),
    "form_stop.docx": ("最低生活保障停止保障告知书", [
        "{{ f.head_name }}：",
        "经{{ f.stop_how }}，你户{{ f.stop_reason }}，根据《社会救助暂行办法》和最低生活保障审核确认的有关规定，"
        "决定自{{ f.stop_date_cn }}起停止你户的最低生活保障待遇。",
        "如对本决定有异议，可自收到本告知书之日起向{{ f.office }}申请复核，也可在60日内向上一级民政部门申请行政复议，"
        "或在6个月内向人民法院提起行政诉讼。监督电话：{{ f.phone }}。",
        "{{ f.office }}（盖章）",
        "告知日期：{{ f.stop_notice_cn }}",
        "被告知人签收：______________　　签收日期：______年____月____日",
    ]),
    "form_reduce.docx": ("最低生活保障金减发告知书", [
        "{{ f.head_name }}：",
        "经{{ f.reduce_how }}，你户{{ f.reduce_reason }}，根据《社会救助暂行办法》和最低生活保障审核确认的有关规定，"
        "决定自{{ f.reduce_date_cn }}起将你户的月最低生活保障金由{{ f.reduce_old }}元调整为{{ f.reduce_new }}元"
        "{{ f.reduce_persons }}。",
        "如对本决定有异议，可自收到本告知书之日起向{{ f.office }}申请复核，也可在60日内向上一级民政部门申请行政复议，"
        "或在6个月内向人民法院提起行政诉讼。监督电话：{{ f.phone }}。",
        "{{ f.office }}（盖章）",
        "告知日期：{{ f.stop_notice_cn }}",
        "被告知人签收：______________　　签收日期：______年____月____日",
    ]),
    "form_review.docx": ("最低生活保障对象定期复核表", [
        "分类：{{ f.category }}类　　现保障人数：{{ f.persons }} 人　　现月保障金额：{{ f.amount }} 元",
        "家庭收入、财产及人口变化情况：________________________________",
        "复核结论：□ 继续保障　□ 调整保障金额　□ 停止保障",
        "复核人（签字）：______________、______________",
        "复核日期：______年____月____日",
    ]),
}


# The 入户调查表's own sections, filled in by hand on the visit: the household table's members are replaced by
# SURVEY_HEAD (one row per member, what the archive knows pre-filled, tick boxes where it does not), then these
# tables with empty rows to write in. (heading, column headers, rows, column widths in mm: 170 in all)
SURVEY = "form_investigation.docx"
SURVEY_HEAD = ("一、家庭成员状况（档案已有的已预填，空白处入户时填写）",
               ["姓名", "与户主关系", "身份证号", "年龄", "健康状况", "劳动能力", "就业情况", "月收入(元)"],
               [14.0, 12.0, 40.0, 9.0, 20.0, 27.0, 34.0, 14.0])
SURVEY_TABLES: list[tuple[str, list[str], list[list[str]], list[float]]] = [
    ("二、赡养、抚养、扶养义务人（法定义务人，不与本户共同生活）",
     ["姓名", "与本户关系", "住址或工作单位", "月收入(元)", "赡养（抚养、扶养）能力", "实际给付(元/月)"],
     [["", "", "", "", "□有　□部分　□无", ""]] * 2, [20.0, 22.0, 44.0, 22.0, 38.0, 24.0]),
    ("三、支出型困难（近12个月，凭票据）",
     ["类别", "具体情况", "金额(元)", "票据（张）"],
     [["医疗（自付部分）", "", "", ""], ["教育（在校学生）", "", "", ""], ["其他（残疾康复、灾害、意外等）", "", "", ""],
      ["合计", "", "", ""]], [46.0, 76.0, 26.0, 22.0]),
    ("四、邻里走访（走访邻居、村（居）民委员会成员，不少于2人）",
     ["被走访人姓名", "与本户关系", "反映情况", "被走访人签字"],
     [["", "□邻居　□村(居)干部", "", ""]] * 2, [24.0, 40.0, 74.0, 32.0]),
]
TICK = {"health": "□健康 □患病\n□残疾", "labor": "□有 □部分丧失\n□完全丧失",
        "work": "□务工 □务农 □无业\n□灵活就业 □在校"}
WORK_WORDS = ("学生", "在校", "务工", "务农", "就业", "失业", "无业", "退休", "个体")


def _survey(h: Household, policy: Policy, day: str) -> list[dict[str, str]]:
    """One row per member present on the day: what the archive records (health, disability, an identity that
    names work, the age band a rule reads) pre-filled; the rest tick boxes or a blank for the visitor."""
    from archiver import idcard

    from . import stats

    rows = []
    when = dt.date.fromisoformat(day)
    for m in h.members_on(day):
        band = stats.age_band(m, when, policy)
        born = m.birth_date
        if not born:
            try:
                born = idcard.parse(m.id_number).birth_date.isoformat()
            except idcard.IDError:
                born = None
        age = str(idcard.age_on(dt.date.fromisoformat(born), when)) if born else ""
        health = f"残疾（{m.disability}）" if m.disability else m.health  # a roster's "健康" beside a 残疾 says no more
        labor = {"under_18": "未成年\n（非劳动年龄）", "elderly": "老年\n（非劳动年龄）"}.get(band or "", TICK["labor"])
        work = m.identity if m.identity and any(w in m.identity for w in WORK_WORDS) else TICK["work"]
        rows.append({"name": m.name, "relation": m.relation, "id": mask_id(m.id_number), "age": age,
                     "health": health or TICK["health"], "labor": labor, "work": work, "income": ""})
    return rows


def _income_known(h: Household) -> str:
    """The household income the archive holds, so the visitor checks it rather than starts from nothing."""
    known = [i for i in h.incomes if i.monthly_total is not None or i.per_capita is not None]
    if not known:
        return "档案记载家庭月收入：无记录，入户核实后填写下栏。"
    last = max(known, key=lambda i: i.date)
    parts = []
    if last.monthly_total is not None:
        parts.append(f"家庭月收入{last.monthly_total:,.2f}元")
    if last.per_capita is not None:
        parts.append(f"月人均{last.per_capita:,.2f}元")
    return f"档案记载（{cn_date(last.date)}起）：" + "，".join(parts) + "；入户核实有变化的，填写下栏。"


class FormProblem(UserValueError):
    """The form cannot be printed for this household or step (Chinese first)."""


def _open_case(cases: list[Case]) -> Case | None:
    """The 新增 case the form belongs to: the latest one (an application in progress, or just decided)."""
    new = [c for c in cases if c.kind == "新增"]
    return new[-1] if new else None


def context(h: Household, kind: str, policy: Policy, cases: list[Case], day: str | None = None,
            secret: bytes | None = None) -> dict[str, Any]:
    """One household's fields for the template (without the QR image, which needs the template); the code
    signed with `secret`, the home's current key (archiver/codekeys.py)."""
    day = day or today()
    case = _open_case(cases)
    case_date = case.applied if case else None
    step = STEP_OF_FORM[kind]
    standard = policy.standard(int(day[:4]), h.area_type) if h.area_type else None
    members = [m for m in h.members if m.removed_on is None]
    decided = case.decided if case else None
    notice = case.step("告知") if case else None
    return {
        "kind": kind, "office": policy.office.name, "phone": policy.office.supervision_phone, "key": h.key,
        "township": h.township, "village": h.village, "address": h.address or PLACEHOLDER.format("家庭住址"),
        "phone_household": h.phone, "head_name": h.head_name, "head_id": mask_id(h.head_id_number),
        "area_type": h.area_type, "category": h.category or "", "persons": h.persons or len(members),
        "amount": f"{h.monthly_amount:.2f}" if h.monthly_amount else "", "standard": f"{standard:g}" if standard else "",
        "members": [{"name": m.name, "relation": m.relation, "sex": m.sex, "id": mask_id(m.id_number)} for m in members],
        "printed": cn_date(day), "case_date": case_date or "",
        "case_date_cn": cn_date(case_date) if case_date else PLACEHOLDER.format("申请日期"),
        "reason": (case.reason if case and case.reason else PLACEHOLDER.format("不予批准的理由")),
        "decided": decided or "", "decided_cn": cn_date(decided) if decided else PLACEHOLDER.format("决定日期"),
        "notice_date_cn": cn_date(notice.date) if notice and notice.date else cn_date(day),
        **_stop_and_consent(h, kind, policy, day),
        **_reduction(h),
        "survey": _survey(h, policy, day) if KINDS.get(kind) == SURVEY else [],
        "income_known": _income_known(h),
        "payload": qr.payload(h.key, kind, step, case_date if step not in NOT_OF_A_CASE else None, secret),
        "qr_args": (h.key, kind, step, case_date if step not in NOT_OF_A_CASE else None, secret),
    }


def _stop_and_consent(h: Household, kind: str, policy: Policy, day: str) -> dict[str, Any]:
    """The 停保告知书's stop (the latest stop decision: its date and reason in the rules' words) and the
    授权书's signers (every member of age present on the day)."""
    from . import stats
    from .rules import stops

    adults = []
    for m in h.members_on(day):
        band = stats.age_band(m, dt.date.fromisoformat(day), policy)
        if band != "under_18":
            adults.append({"name": m.name, "relation": m.relation, "id": mask_id(m.id_number)})
    out: dict[str, Any] = {"adult_age": policy.age.adult, "signers": adults if KINDS.get(kind) in SIGNERS else []}
    stop = max((e for e in h.events if e.kind in STOP_KINDS), key=lambda e: e.date, default=None)
    reason = stops.rule_words(stop.reason) if stop and stop.reason else PLACEHOLDER.format("停保理由")
    out.update(stop_date_cn=cn_date(stop.date) if stop else PLACEHOLDER.format("停保日期"), stop_reason=reason,
               stop_how="复核" if stop and "复核" in stop.reason else "核查",
               stop_notice_cn=cn_date(day))
    return out


# a reduction's reason as staff write it → as the rules word it; persons fewer than before say it by themselves
REDUCE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("渐退",), "家庭人均收入已高于当地最低生活保障标准，按规定实行渐退"),
    (("收入", "就业", "务工", "工资"), "家庭人均收入增加"),
    (("死亡", "去世", "病故", "迁出", "婚", "成员", "人口", "服刑", "入伍"), "家庭保障人口减少"),
    (("标准",), "当地最低生活保障标准或分类施保政策调整"),
)


def _reduction(h: Household) -> dict[str, Any]:
    """The 减保告知书's facts from the latest 调减 event: the date, the amount before and after, fewer persons
    when the roster says so; a marked prompt for whatever the archive does not hold."""
    cut = max((e for e in h.events if e.kind == "调减"), key=lambda e: e.date, default=None)
    if cut is None:
        return {"reduce_how": "复核", "reduce_reason": PLACEHOLDER.format("减发理由"),
                "reduce_date_cn": PLACEHOLDER.format("减发执行日期"), "reduce_old": PLACEHOLDER.format("原金额"),
                "reduce_new": PLACEHOLDER.format("调整后金额"), "reduce_persons": ""}
    fewer = cut.old_persons is not None and cut.new_persons is not None and cut.new_persons < cut.old_persons
    reason = next((text for words, text in REDUCE_WORDS if any(w in cut.reason for w in words)), "")
    reason = reason or ("家庭保障人口减少" if fewer else PLACEHOLDER.format("减发理由"))
    start = f"{cut.effective_month}-01" if cut.effective_month else cut.date
    return {
        "reduce_how": "复核" if "复核" in cut.reason else "核查", "reduce_reason": reason,
        "reduce_date_cn": cn_date(start),
        "reduce_old": f"{cut.old_amount:,.2f}" if cut.old_amount is not None else PLACEHOLDER.format("原金额"),
        "reduce_new": f"{cut.new_amount:,.2f}" if cut.new_amount is not None else PLACEHOLDER.format("调整后金额"),
        "reduce_persons": f"，保障人数由{cut.old_persons}人调整为{cut.new_persons}人" if fewer else "",
    }


def render(kind: str, items: list[dict[str, Any]], out: Path, home_templates: Path | None) -> Path:
    """Every household's form into one .docx or .pdf (by the output's suffix)."""
    if kind not in KINDS:
        raise FormProblem(f"未知的表单：{kind}（可用：{'、'.join(KINDS)}）/ unknown form")
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise FormProblem(f"输出文件应为 .docx 或 .pdf：{out.name} / output must be .docx or .pdf")
    with tempfile.TemporaryDirectory(prefix="dibao-form-") as tmp:
        docx = out if suffix == ".docx" else Path(tmp) / (out.stem + ".docx")
        _render_docx(KINDS[kind], items, docx, home_templates, Path(tmp))
        if suffix == ".pdf":
            if shutil.which("soffice") or shutil.which("libreoffice"):
                _to_pdf(docx, out, Path(tmp))  # the (possibly edited) Word template, printed as it is
            else:
                _html_pdf(kind, items, out)
    return out


def _html_pdf(kind: str, items: list[dict[str, Any]], out: Path) -> None:
    """The same form laid out in HTML for WeasyPrint, where LibreOffice is not installed."""
    import base64

    import jinja2

    from .render import CJK_FONTS, html_to_pdf

    title, lines = FORM_TEXT[KINDS[kind]]
    survey, tables = (SURVEY_HEAD, SURVEY_TABLES) if KINDS[kind] == SURVEY else (None, [])
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    tpl = env.from_string("""{% for f in forms %}<section>
<img class="qr" src="data:image/png;base64,{{ f.qr_b64 }}" alt="QR"><h1>{{ title }}</h1>
<p class="meta">户编号：{{ f.key }}　　{{ f.township }}{{ f.village }}　　打印日期：{{ f.printed }}</p>
<table><tr><th>户主姓名</th><td>{{ f.head_name }}</td><th>身份证号</th><td>{{ f.head_id }}</td></tr>
<tr><th>家庭住址</th><td>{{ f.address }}</td><th>联系电话</th><td>{{ f.phone_household }}</td></tr>
<tr><th>城乡类别</th><td>{{ f.area_type }}</td><th>分类</th><td>{{ f.category }}</td></tr>
<tr><th>保障人数</th><td>{{ f.persons }}</td><th>月保障金额(元)</th><td>{{ f.amount }}</td></tr></table>
{% if survey %}<h2>{{ survey[0] }}</h2><table class="fill"><tr>{% for c in survey[1] %}<th style="width:{{ '%.1f' % (survey[2][loop.index0] / 1.7) }}%">{{ c }}</th>{% endfor %}</tr>
{% for m in f.survey %}<tr><td>{{ m.name }}</td><td>{{ m.relation }}</td><td>{{ m.id }}</td><td>{{ m.age }}</td><td>{{ m.health }}</td><td>{{ m.labor }}</td><td>{{ m.work }}</td><td>{{ m.income }}</td></tr>{% endfor %}</table>
{% for head, cols, rows, widths in tables %}<h2>{{ head }}</h2><table class="fill"><tr>{% for c in cols %}<th style="width:{{ '%.1f' % (widths[loop.index0] / 1.7) }}%">{{ c }}</th>{% endfor %}</tr>
{% for r in rows %}<tr>{% for c in r %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</table>{% endfor %}
{% else %}<p>家庭成员：</p><table><tr><th>姓名</th><th>与户主关系</th><th>性别</th><th>身份证号</th></tr>
{% for m in f.members %}<tr><td>{{ m.name }}</td><td>{{ m.relation }}</td><td>{{ m.sex }}</td><td>{{ m.id }}</td></tr>{% endfor %}</table>{% endif %}
{% for line in f.lines %}<p>{{ line }}</p>{% endfor %}
{% if f.signers %}<table><tr><th>姓名</th><th>与户主关系</th><th>身份证号</th><th>本人签字（手印）</th><th>日期</th></tr>
{% for m in f.signers %}<tr><td>{{ m.name }}</td><td>{{ m.relation }}</td><td>{{ m.id }}</td><td></td><td></td></tr>{% endfor %}</table>{% endif %}
<p class="payload">{{ f.payload }}</p></section>{% endfor %}""")
    forms = []
    for item in items:
        key, form_kind, step, case, secret = item["qr_args"]
        body = [env.from_string(line).render(f=item) for line in lines]
        forms.append({**item, "lines": body, "qr_b64": base64.b64encode(
            qr.png(key, scale=6, form=form_kind, step=step, case=case, secret=secret)).decode()})
    css = f"""@page {{ size: A4; margin: 15mm 20mm; }} body {{ font-family: {CJK_FONTS}; font-size: 11pt; }}
section {{ page-break-after: always; }} section:last-child {{ page-break-after: auto; }}
.qr {{ float: right; width: 32mm; height: 32mm; }} h1 {{ clear: both; text-align: center; font-size: 18pt; }}
table {{ width: 100%; border-collapse: collapse; font-size: 10pt; }} td, th {{ border: 1px solid #333; padding: 1mm 2mm; }}
.meta {{ font-size: 10pt; }} h2 {{ font-size: 11pt; margin: 3mm 0 1mm; }}
p {{ margin: 1.5mm 0; }} table.fill {{ table-layout: fixed; font-size: 9pt; }} table.fill td, table.fill th {{ padding: 0.5mm 1mm; }}
table.fill td {{ height: 7mm; white-space: pre-line; }} tr {{ page-break-inside: avoid; }}
.payload {{ font-size: 6pt; color: #555; }}"""
    markup = (f'<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head><body>'
              f'{tpl.render(forms=forms, title=title, survey=survey, tables=tables)}</body></html>')
    html_to_pdf(markup, out)


def _render_docx(name: str, items: list[dict[str, Any]], out: Path, home_templates: Path | None, tmp: Path) -> None:
    import jinja2
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    path = template_path(name, home_templates)
    try:
        tpl = DocxTemplate(str(path))
    except Exception as exc:
        raise TemplateProblem(f"模板文件无法打开：{path}（{exc}）/ template unreadable") from exc
    forms = []
    for i, item in enumerate(items):
        png = tmp / f"qr{i}.png"
        key, kind, step, case, secret = item["qr_args"]
        png.write_bytes(qr.png(key, scale=6, form=kind, step=step, case=case, secret=secret))
        forms.append({**item, "qr": InlineImage(tpl, str(png), width=Mm(32))})
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        tpl.render({"forms": forms}, jinja_env=env, autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"模板 {path.name} 使用了未知变量：{exc}（可用变量见 docs/templates.md）/ "
                              "template uses an unknown variable") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"模板 {path.name} 第{exc.lineno}处语法错误：{exc.message} / template syntax error") from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(out))


def _to_pdf(docx: Path, out: Path, tmp: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise FormProblem("生成PDF需要LibreOffice（scripts/install-debian.sh 会安装）；也可输出 .docx / "
                          "PDF output needs LibreOffice")
    profile = (tmp / "lo-profile").as_uri()
    r = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(docx)], capture_output=True, text=True, timeout=300)
    made = tmp / (docx.stem + ".pdf")
    if r.returncode or not made.exists():
        raise FormProblem(f"LibreOffice 转换PDF失败：{(r.stderr or r.stdout)[-300:]} / PDF conversion failed")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(made), out)
