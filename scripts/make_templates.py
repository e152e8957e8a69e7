"""Build the default Word templates in templates/ (run once after changing this file; the .docx files are
committed so staff can open and edit them in Word). Every tag sits in one run, as docxtpl requires."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.shared import Mm, Pt  # noqa: E402

from generators.fonts import BODY_FONT  # noqa: E402
from generators.officialdoc import (  # noqa: E402
    apply_page_setup,
    body,
    caption,
    colophon,
    heading,
    masthead,
    page_break,
    picture,
    rows_never_split,
    set_font,
    signature,
    title,
)


def _table(doc, headers: list[str], loop: str, cells: list[str], size: float = 12, widths: list[float] | None = None,
           totals: list[str] | None = None, nowrap: list[int] | None = None, keep: bool = False) -> None:  # type: ignore[no-untyped-def]
    """A docxtpl row loop; rows never split across pages and the header repeats on each page."""
    t = doc.add_table(rows=4 + bool(totals), cols=len(headers))
    t.style = "Table Grid"
    rows = [headers, [f"{{%tr for r in {loop} %}}"] + [""] * (len(headers) - 1), cells,
            ["{%tr endfor %}"] + [""] * (len(headers) - 1)] + ([totals] if totals else [])
    for i, values in enumerate(rows):
        for j, v in enumerate(values):
            p = t.cell(i, j).paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.keep_with_next = keep and i < len(rows) - 1
            set_font(p.add_run(v), BODY_FONT, size, bold=True if i == 0 else None)
    if widths:  # fixed layout: the grid (what LibreOffice reads) and every cell (what Word reads)
        t.autofit = False
        for j, w in enumerate(widths):
            t.columns[j].width = Mm(w)
            for row in t.rows:
                row.cells[j].width = Mm(w)
    for j in nowrap or []:
        for row in t.rows:  # a household number never wraps onto two lines
            row.cells[j]._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
    rows_never_split(t)
    doc.add_paragraph()


def summary(out: Path) -> None:
    doc = Document()
    apply_page_setup(doc)
    masthead(doc, "{{ frame.issuer_mark }}", "{{ frame.doc_number }}")
    title(doc, "{{ title_owner }}{{ year }}年度\n最低生活保障工作总结")
    body(doc, "{{ addressee }}", indent=False)
    body(doc, "现将{{ scope_label }}{{ year }}年度最低生活保障工作情况总结如下：")
    heading(doc, "一、基本情况")
    body(doc, "{{ standard_text }}")
    body(doc, "截至{{ date_end }}，{{ area_word }}共有城乡低保对象{{ s.households_end }}户{{ s.persons_end }}人，"
              "其中城市低保{{ city.households_end }}户{{ city.persons_end }}人，农村低保{{ rural.households_end }}户"
              "{{ rural.persons_end }}人；保障对象中有残疾人{{ s.disabled_persons }}人。{{ coverage_text }}")
    body(doc, "全年累计发放低保金{{ total_wan }}万元，其中城市低保金{{ city.wan }}万元、农村低保金{{ rural.wan }}万元{{ other_money_text }}；"
              "月人均补差城市{{ city.avg }}元、农村{{ rural.avg }}元，总体{{ avg_benefit }}元。{{ compare_text }}")
    body(doc, "全年新增低保对象{{ s.new_households }}户{{ s.new_persons }}人，退出{{ s.exited_households }}户"
              "{{ s.exited_persons }}人{{ exit_reasons_text }}；调增保障金{{ s.increased }}户次，调减{{ s.decreased }}户次。")
    caption(doc, "表1  分季度保障及资金发放情况")
    _table(doc, ["季度", "户数（季末）", "人数（季末）", "人次", "发放金额（万元）"], "quarter_rows",
           ["{{ r.quarter }}", "{{ r.households }}", "{{ r.persons }}", "{{ r.person_times }}", "{{ r.money }}"], keep=True,
           totals=["全年", "{{ s.households_end }}", "{{ s.persons_end }}", "{{ person_times_total }}", "{{ total_wan }}"])
    picture(doc, "{{ chart_persons }}")
    caption(doc, "图1  全年逐月在保人数")
    doc.paragraphs[-1].paragraph_format.keep_with_next = False
    picture(doc, "{{ chart_money }}")
    caption(doc, "图2  分季度低保金发放金额")
    doc.paragraphs[-1].paragraph_format.keep_with_next = False
    caption(doc, "表2  年末保障对象身份类别")
    body(doc, "{%p if identity_rows %}", indent=False)
    _table(doc, ["身份类别", "人数", "占比"], "identity_rows", ["{{ r.identity }}", "{{ r.count }}", "{{ r.share }}"], keep=True)
    body(doc, "{%p else %}", indent=False)
    body(doc, "{{ identity_prompt }}")
    body(doc, "{%p endif %}", indent=False)
    caption(doc, "表3  年末保障对象年龄及性别结构")
    _table(doc, ["年龄段", "男", "女", "合计", "占比"], "age_rows",
           ["{{ r.band }}", "{{ r.male }}", "{{ r.female }}", "{{ r.count }}", "{{ r.share }}"], keep=True)
    caption(doc, "表4  年末在保对象分类管理情况")
    _table(doc, ["分类", "户数", "人数", "复核周期"], "class_rows",
           ["{{ r.category }}", "{{ r.households }}", "{{ r.persons }}", "{{ r.interval }}"], keep=True)
    heading(doc, "二、主要做法")
    body(doc, "{%p for p in practices %}", indent=False)
    body(doc, "{{ p }}")
    body(doc, "{%p endfor %}", indent=False)
    heading(doc, "三、存在问题")
    body(doc, "{%p for p in problems %}", indent=False)
    body(doc, "{{ loop.index }}. {{ p }}")
    body(doc, "{%p endfor %}", indent=False)
    heading(doc, "四、下一步工作打算")
    body(doc, "{%p for p in plans %}", indent=False)
    body(doc, "{{ loop.index }}. {{ p }}", keep_next=True)
    body(doc, "{%p endfor %}", indent=False)
    signature(doc, "{{ frame.issuer }}", "{{ frame.signed }}")
    colophon(doc, "{{ frame.cc }}", "{{ frame.printer }}", "{{ frame.printed }}")
    doc.save(out)


def notice(out: Path) -> None:
    doc = Document()
    apply_page_setup(doc)
    body(doc, "{%p for n in notices %}", indent=False)
    body(doc, "{%p if not loop.first %}", indent=False)
    page_break(doc)
    body(doc, "{%p endif %}", indent=False)
    title(doc, "{{ n.title }}")
    body(doc, "{{ n.intro }}")
    # one table per choice of the optional columns (分类 per local rule; 停保原因 on a 停保 notice)
    for i, (category, reason) in enumerate(((True, True), (True, False), (False, True), (False, False))):
        test = ("" if category else "not ") + "show_category and " + ("" if reason else "not ") + "show_reason"
        body(doc, ("{%p if " if i == 0 else "{%p elif ") + test + " %}", indent=False)
        _table(doc, ["序号", "户主姓名", "村(组)"] + (["分类"] if category else []) + ["保障人数", "月保障金额(元)"]
               + (["停保原因"] if reason else []), "n.rows",
               ["{{ loop.index }}", "{{ r.name }}", "{{ r.place }}"] + (["{{ r.category }}"] if category else [])
               + ["{{ r.persons }}", "{{ r.amount }}"] + (["{{ r.reason }}"] if reason else []))
    body(doc, "{%p endif %}", indent=False)
    body(doc, "公示期：{{ period_from }}至{{ period_to }}（共{{ days }}天）。{{ n.objection }}", keep_next=True)
    body(doc, "监督电话：{{ phone }}")
    signature(doc, "{{ n.issuer }}（盖章）", "{{ date_signed }}")
    body(doc, "{%p endfor %}", indent=False)
    for p in doc.paragraphs:
        p.paragraph_format.space_after = Pt(0)
    doc.save(out)


def inspection(out: Path) -> None:
    doc = Document()
    apply_page_setup(doc)
    masthead(doc, "{{ frame.issuer_mark }}", "{{ frame.doc_number }}")
    title(doc, "关于{{ scope_label }}{{ year }}年度最低生活保障\n档案检查情况的通报")
    body(doc, "{{ addressee }}", indent=False)
    body(doc, "为规范最低生活保障管理，{{ frame.issuer }}于{{ period_text }}对{{ scope_label }}最低生活保障档案和资金发放情况进行了检查，"
              "检查基准日为{{ date_reference }}。现将有关情况通报如下：")
    heading(doc, "一、检查方式和范围")
    body(doc, "{{ method_text }}")
    heading(doc, "二、检查情况")
    body(doc, "共检查{{ checked }}户，档案齐全{{ complete }}户，完整率{{ rate }}；发现问题{{ findings_total }}处，涉及{{ problem_households }}户。"
              "{{ township_intro }}")
    body(doc, "{%p if township_rows|length > 1 %}", indent=False)
    caption(doc, "表1  各乡镇（街道）档案检查情况及排名")
    _table(doc, ["排名", "乡镇（街道）", "检查户数", "档案齐全", "完整率", "问题数", "问题户"], "township_rows",
           ["{{ r.rank }}", "{{ r.township }}", "{{ r.checked }}", "{{ r.complete }}", "{{ r.rate }}", "{{ r.findings }}",
            "{{ r.problem_households }}"], size=11, widths=[14, 36, 20, 20, 22, 18, 20], nowrap=[0, 2, 3, 4, 5, 6])
    body(doc, "{%p endif %}", indent=False)
    caption(doc, "表{{ village_table_no }}  各村（社区）档案检查情况")
    _table(doc, ["乡镇", "村(社区)", "检查户数", "档案齐全", "完整率", "发现问题"], "area_rows",
           ["{{ r.township }}", "{{ r.village }}", "{{ r.checked }}", "{{ r.complete }}", "{{ r.rate }}", "{{ r.findings }}"],
           size=11, widths=[30, 34, 22, 22, 24, 22], nowrap=[2, 3, 4, 5])
    heading(doc, "三、存在不足")
    body(doc, "{%p for f in finding_rows %}", indent=False)
    body(doc, "{{ loop.index }}. {{ f.title }}：{{ f.count }}处。{{ f.example }}")
    body(doc, "{%p endfor %}", indent=False)
    body(doc, "{{ objections_text }}")
    heading(doc, "四、工作要求")
    body(doc, "（一）限期整改。各乡镇（街道）要对照本通报列出的问题逐户核实，于{{ rectify_by }}前完成整改，"
              "并于{{ report_by }}前将整改情况书面报送{{ frame.issuer }}。")
    body(doc, "（二）追回资金。{{ recover_text }}")
    body(doc, "（三）按期复核。严格按照A类{{ review_a }}个月、B类{{ review_b }}个月、C类{{ review_c }}个月开展定期复核，"
              "做到应查尽查。")
    body(doc, "（四）规范管理。严格执行村干部近亲属备案制度，落实“一户一档”，确保档案完整、规范、可查。", keep_next=True)
    # 附件说明 (GB/T 9704 §7.3.4): under the body, before the 落款 — all kept with the last lines of the body
    body(doc, "", keep_next=True)
    body(doc, "附件：1．问题较多的户", keep_next=True)
    body(doc, "　　　2．应追回资金明细", keep_next=True)
    body(doc, "　　　3．干部及近亲属名册在列人员享受低保情况", keep_next=True)
    signature(doc, "{{ frame.issuer }}", "{{ frame.signed }}")
    page_break(doc)
    body(doc, "附件1", indent=False, keep_next=True)
    caption(doc, "问题较多的户")
    body(doc, "{%p if worst_rows %}", indent=False)
    _table(doc, ["户编号", "村(社区)", "户主", "问题数", "主要问题"], "worst_rows",
           ["{{ r.household_id }}", "{{ r.village }}", "{{ r.head }}", "{{ r.count }}", "{{ r.problems }}"], size=10.5,
           widths=[38, 24, 18, 16, 60], nowrap=[0, 3])
    body(doc, "{%p else %}", indent=False)
    body(doc, "无")
    body(doc, "{%p endif %}", indent=False)
    body(doc, "附件2", indent=False, keep_next=True)
    caption(doc, "应追回资金明细（实发超过应发）")
    body(doc, "{%p if recover_rows %}", indent=False)
    _table(doc, ["户编号", "村(社区)", "户主", "发放期间", "实发(元)", "应发(元)", "应追回(元)"], "recover_rows",
           ["{{ r.household_id }}", "{{ r.village }}", "{{ r.head }}", "{{ r.period }}", "{{ r.paid }}", "{{ r.due }}",
            "{{ r.excess }}"], size=10, widths=[34, 18, 14, 30, 20, 20, 20], nowrap=[0, 3, 4, 5, 6],
           totals=["合计", "", "", "", "", "", "{{ recover_total }}"])
    body(doc, "{%p else %}", indent=False)
    body(doc, "无")
    body(doc, "{%p endif %}", indent=False)
    body(doc, "附件3", indent=False, keep_next=True)
    caption(doc, "干部及近亲属名册在列人员享受低保情况")
    body(doc, "{%p if register_rows %}", indent=False)
    _table(doc, ["干部（职务）", "村(社区)", "在保人员", "关系", "所在户", "备案日期", "县级核查", "档案标记"], "register_rows",
           ["{{ r.cadre }}", "{{ r.village }}", "{{ r.name }}", "{{ r.relation }}", "{{ r.households }}",
            "{{ r.declared }}", "{{ r.checked }}", "{{ r.flag }}"], size=10, widths=[26, 18, 16, 12, 28, 20, 18, 18],
           nowrap=[5, 6])
    body(doc, "{%p else %}", indent=False)
    body(doc, "无")
    body(doc, "{%p endif %}", indent=False)
    colophon(doc, "{{ frame.cc }}", "{{ frame.printer }}", "{{ frame.printed }}")
    doc.save(out)


# ---- pre-filled forms (dibao form): one template per kind; `forms` holds one entry per household, so a
# whole village prints into one file, a page break between households. Each form's QR code (f.qr) files
# the signed scan back to the household and case step.
from generators.forms import FORM_TEXT as FORMS  # noqa: E402
from generators.forms import SIGNERS, SURVEY, SURVEY_HEAD, SURVEY_TABLES  # noqa: E402  (the HTML/PDF layout uses the same wording)


def _fill_table(doc, heading_text: str, rows: list[list[str]], widths: list[float], tall: list[int]) -> None:  # type: ignore[no-untyped-def]
    """A table to fill in by hand: bold header row, fixed column widths, rows `tall` high enough to write in."""
    p = doc.add_paragraph()
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(4), Pt(2)
    p.paragraph_format.keep_with_next = True
    set_font(p.add_run(heading_text), BODY_FONT, 11, True)
    t = doc.add_table(rows=len(rows), cols=len(widths))
    t.style = "Table Grid"
    t.autofit = False
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            cell = t.cell(i, j)
            cell.width = Mm(widths[j])
            set_font(cell.paragraphs[0].add_run(v), BODY_FONT, 9, True if i == 0 else None)
        if i in tall:
            t.rows[i].height = Mm(8)
    for j, w in enumerate(widths):
        t.columns[j].width = Mm(w)
    rows_never_split(t)


def form(out: Path, title_text: str, lines: list[str], signers: bool = False, survey: bool = False) -> None:
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm

    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(15)
        section.left_margin = section.right_margin = Mm(20)
    set_font(doc.styles["Normal"], BODY_FONT, 11)

    def para(text: str, size: float = 11, align=None, bold: bool = False):  # type: ignore[no-untyped-def]
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(3)
        set_font(p.add_run(text), BODY_FONT, size, bold)
        return p

    para("{%p for f in forms %}")
    para("{{ f.qr }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(title_text, 18, WD_ALIGN_PARAGRAPH.CENTER, True)
    para("户编号：{{ f.key }}　　{{ f.township }}{{ f.village }}　　打印日期：{{ f.printed }}", 10)
    t = doc.add_table(rows=4, cols=4)
    t.style = "Table Grid"
    cells = [["户主姓名", "{{ f.head_name }}", "身份证号", "{{ f.head_id }}"],
             ["家庭住址", "{{ f.address }}", "联系电话", "{{ f.phone_household }}"],
             ["城乡类别", "{{ f.area_type }}", "分类", "{{ f.category }}"],
             ["保障人数", "{{ f.persons }}", "月保障金额(元)", "{{ f.amount }}"]]
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            set_font(t.cell(i, j).paragraphs[0].add_run(v), BODY_FONT, 10)
    if survey:  # 入户调查表: a row per member with what the archive knows, then the sections to fill in
        head, cols, widths = SURVEY_HEAD
        n = len(cols)
        _fill_table(doc, head, [cols, ["{%tr for m in f.survey %}"] + [""] * (n - 1),
                                ["{{ m.name }}", "{{ m.relation }}", "{{ m.id }}", "{{ m.age }}", "{{ m.health }}",
                                 "{{ m.labor }}", "{{ m.work }}", "{{ m.income }}"], ["{%tr endfor %}"] + [""] * (n - 1)],
                    widths, tall=[2])
        for head, cols, rows, widths in SURVEY_TABLES:
            _fill_table(doc, head, [cols, *rows], widths, tall=list(range(1, len(rows) + 1)))
    else:
        para("家庭成员：", 10)
        m = doc.add_table(rows=4, cols=4)
        m.style = "Table Grid"
        rows = [["姓名", "与户主关系", "性别", "身份证号"], ["{%tr for m in f.members %}", "", "", ""],
                ["{{ m.name }}", "{{ m.relation }}", "{{ m.sex }}", "{{ m.id }}"], ["{%tr endfor %}", "", "", ""]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                set_font(m.cell(i, j).paragraphs[0].add_run(v), BODY_FONT, 10)
    for line in lines:
        para(line)
    if signers:  # one row per adult member to sign (授权书)
        sg = doc.add_table(rows=4, cols=5)
        sg.style = "Table Grid"
        rows = [["姓名", "与户主关系", "身份证号", "本人签字（手印）", "日期"], ["{%tr for m in f.signers %}", "", "", "", ""],
                ["{{ m.name }}", "{{ m.relation }}", "{{ m.id }}", "", ""], ["{%tr endfor %}", "", "", "", ""]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                set_font(sg.cell(i, j).paragraphs[0].add_run(v), BODY_FONT, 10)
            if i == 2:
                sg.rows[i].height = Mm(12)
        sg.autofit = False
        for j, width in enumerate((24, 22, 46, 46, 24)):
            sg.columns[j].width = Mm(width)  # the grid LibreOffice and Word lay out by
            for cell in sg.columns[j].cells:
                cell.width = Mm(width)
    para("{{ f.payload }}", 6)
    para("{%p if not loop.last %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    para("{%p endif %}")
    para("{%p endfor %}")
    doc.save(out)


if __name__ == "__main__":
    target = ROOT / "templates"
    target.mkdir(exist_ok=True)
    summary(target / "summary.docx")
    notice(target / "notice.docx")
    inspection(target / "inspection.docx")
    for name, (title_text, lines) in FORMS.items():
        form(target / name, title_text, lines, signers=name in SIGNERS, survey=name == SURVEY)
    print("templates written:", sorted(p.name for p in target.glob("*.docx")))
