"""Build the default Word templates in templates/ (run once after changing this file; the .docx files are
committed so staff can open and edit them in Word). Every tag sits in one run, as docxtpl requires."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Pt  # noqa: E402

from generators.fonts import BODY_FONT  # noqa: E402
from generators.officialdoc import apply_page_setup, body, heading, set_font, title  # noqa: E402


def _table(doc, headers: list[str], loop: str, cells: list[str]) -> None:  # type: ignore[no-untyped-def]
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    rows = [headers, [f"{{%tr for r in {loop} %}}"] + [""] * (len(headers) - 1), cells,
            ["{%tr endfor %}"] + [""] * (len(headers) - 1)]
    for i, values in enumerate(rows):
        for j, v in enumerate(values):
            p = t.cell(i, j).paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(p.add_run(v), BODY_FONT, 12)
    doc.add_paragraph()


def _signature(doc, office: str) -> None:  # type: ignore[no-untyped-def]
    doc.add_paragraph()
    body(doc, office, indent=False, align_right=True)
    body(doc, "{{ date_signed }}", indent=False, align_right=True)


def summary(out: Path) -> None:
    doc = Document()
    apply_page_setup(doc)
    title(doc, "{{ office }}{{ year }}年度{{ scope_label }}最低生活保障工作总结")
    body(doc, "{{ year }}年，{{ office }}坚持以人民为中心的发展思想，认真贯彻落实最低生活保障各项政策，"
              "坚持应保尽保、应退尽退，规范审核审批，强化动态管理，兜住兜牢困难群众基本生活底线。现将全年工作总结如下：")
    heading(doc, "一、基本情况")
    body(doc, "截至{{ date_end }}，{{ scope_label }}共有城乡低保对象{{ s.households_end }}户{{ s.persons_end }}人，"
              "其中城市低保{{ city.households_end }}户{{ city.persons_end }}人，农村低保{{ rural.households_end }}户"
              "{{ rural.persons_end }}人。")
    body(doc, "全年新增低保对象{{ s.new_households }}户{{ s.new_persons }}人，退出{{ s.exited_households }}户"
              "{{ s.exited_persons }}人{{ exit_reasons_text }}；调增保障金{{ s.increased }}户次，调减{{ s.decreased }}户次。")
    body(doc, "全年累计发放低保金{{ total_wan }}万元，其中第一季度{{ q_wan[0] }}万元、第二季度{{ q_wan[1] }}万元、"
              "第三季度{{ q_wan[2] }}万元、第四季度{{ q_wan[3] }}万元；人均月补助{{ avg_benefit }}元。{{ compare_text }}")
    body(doc, "表1  年末在保对象年龄结构", indent=False)
    _table(doc, ["年龄段", "人数", "占比"], "age_rows", ["{{ r.band }}", "{{ r.count }}", "{{ r.share }}"])
    body(doc, "表2  年末在保对象分类管理情况", indent=False)
    _table(doc, ["分类", "户数", "人数", "复核周期"], "class_rows",
           ["{{ r.category }}", "{{ r.households }}", "{{ r.persons }}", "{{ r.interval }}"])
    body(doc, "表3  年末在保对象身份类别", indent=False)
    _table(doc, ["身份类别", "人数"], "identity_rows", ["{{ r.identity }}", "{{ r.count }}"])
    body(doc, "图1  全年逐月在保人数", indent=False)
    body(doc, "{{ chart_persons }}", indent=False)
    body(doc, "图2  分季度低保金发放金额", indent=False)
    body(doc, "{{ chart_money }}", indent=False)
    heading(doc, "二、主要做法")
    body(doc, "（一）规范审核审批。严格执行申请、入户调查、民主评议、三榜公示、审核确认程序，全年新纳入{{ s.new_households }}户，"
              "均按规定公示{{ notice_days }}天。")
    body(doc, "（二）强化动态管理。按照A类{{ review_a }}个月、B类{{ review_b }}个月、C类{{ review_c }}个月的周期开展定期复核，"
              "全年完成复核{{ reviews_done }}户次，对收入超标等不再符合条件的{{ s.exited_households }}户及时停保。")
    body(doc, "（三）确保资金安全。低保金通过“一卡通”社会化发放，全年发放{{ total_wan }}万元，做到专款专用、按时足额。")
    body(doc, "（四）推进档案规范化。落实“一户一档”，全年归档各类档案材料{{ documents_filed }}份。")
    heading(doc, "三、存在问题")
    body(doc, "{%p for p in problems %}", indent=False)
    body(doc, "{{ loop.index }}. {{ p }}")
    body(doc, "{%p endfor %}", indent=False)
    heading(doc, "四、下一步工作打算")
    body(doc, "一是持续开展低保专项治理，对逾期未复核的对象限期完成复核；二是加强档案管理，补齐缺失材料；"
              "三是加强对有劳动能力对象的就业帮扶，推动“低保渐退”；四是严格村干部近亲属备案管理，杜绝“人情保”“关系保”。")
    _signature(doc, "{{ office }}")
    doc.save(out)


def notice(out: Path) -> None:
    doc = Document()
    apply_page_setup(doc)
    title(doc, "{{ village }}最低生活保障{{ kind }}对象公示")
    body(doc, "根据《社会救助暂行办法》和最低生活保障有关规定，经申请、入户调查、民主评议和乡镇（街道）审核，"
              "现将{{ village }}拟{{ kind_verb }}低保对象名单公示如下（共{{ rows|length }}户）：")
    _table(doc, ["序号", "户主姓名", "村(组)", "保障人数", "月保障金额(元)"], "rows",
           ["{{ loop.index }}", "{{ r.name }}", "{{ r.place }}", "{{ r.persons }}", "{{ r.amount }}"])
    body(doc, "公示期：{{ period_from }}至{{ period_to }}（共{{ days }}天）。公示期内如有异议，请向{{ office }}反映。")
    body(doc, "监督电话：{{ phone }}")
    _signature(doc, "{{ office }}（盖章）")
    for p in doc.paragraphs:
        p.paragraph_format.space_after = Pt(0)
    doc.save(out)


def inspection(out: Path) -> None:
    doc = Document()
    apply_page_setup(doc)
    title(doc, "关于{{ scope_label }}{{ year }}年度最低生活保障档案检查情况的通报")
    body(doc, "为规范最低生活保障管理，{{ office }}于{{ date_checked }}对{{ scope_label }}在保对象档案进行了检查，"
              "共检查{{ checked }}户，档案齐全{{ complete }}户，完整率{{ rate }}。现将有关情况通报如下：")
    heading(doc, "一、检查情况")
    _table(doc, ["乡镇", "村(社区)", "检查户数", "档案齐全", "完整率", "发现问题"], "area_rows",
           ["{{ r.township }}", "{{ r.village }}", "{{ r.checked }}", "{{ r.complete }}", "{{ r.rate }}", "{{ r.findings }}"])
    heading(doc, "二、存在不足")
    body(doc, "{%p for f in finding_rows %}", indent=False)
    body(doc, "{{ loop.index }}. {{ f.title }}：{{ f.count }}处。{{ f.example }}")
    body(doc, "{%p endfor %}", indent=False)
    body(doc, "问题较多的户：", indent=False)
    _table(doc, ["户编号", "村(社区)", "户主", "问题数", "主要问题"], "worst_rows",
           ["{{ r.household_id }}", "{{ r.village }}", "{{ r.head }}", "{{ r.count }}", "{{ r.problems }}"])
    body(doc, "干部及近亲属名册在列人员享受低保情况（共{{ register_rows|length }}人）：", indent=False)
    _table(doc, ["干部（职务）", "村(社区)", "在保人员", "关系", "所在户", "备案日期", "县级核查", "档案标记"], "register_rows",
           ["{{ r.cadre }}", "{{ r.village }}", "{{ r.name }}", "{{ r.relation }}", "{{ r.households }}",
            "{{ r.declared }}", "{{ r.checked }}", "{{ r.flag }}"])
    heading(doc, "三、工作要求")
    body(doc, "（一）立即整改。各乡镇（街道）要对照本通报列出的问题逐户核实，限期补齐档案材料，"
              "对停保后仍发放、重复享受等问题及时追回资金并依规处理。")
    body(doc, "（二）按期复核。严格按照A类{{ review_a }}个月、B类{{ review_b }}个月、C类{{ review_c }}个月开展定期复核，"
              "做到应查尽查。")
    body(doc, "（三）规范管理。严格执行村干部近亲属备案制度，落实“一户一档”，确保档案完整、规范、可查。")
    _signature(doc, "{{ office }}")
    doc.save(out)


# ---- pre-filled forms (dibao form): one template per kind; `forms` holds one entry per household, so a
# whole village prints into one file, a page break between households. Each form's QR code (f.qr) files
# the signed scan back to the household and case step.
from generators.forms import FORM_TEXT as FORMS  # noqa: E402  (the HTML/PDF layout uses the same wording)


def form(out: Path, title_text: str, lines: list[str]) -> None:
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
        form(target / name, title_text, lines)
    print("templates written:", sorted(p.name for p in target.glob("*.docx")))
