"""GB/T 9704-2012 (党政机关公文格式) for .docx: A4, margins, 小标宋 2号 title, 仿宋 3号 body,
28 characters × 22 lines, page numbers in 4号 on the outer margin.

Chinese fonts are set on the w:eastAsia attribute as well — python-docx sets only the Latin name,
which leaves Word falling back to a Latin font for every Chinese character.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .fonts import BODY_FONT, HEADING_FONT, NUMBER_FONT, TITLE_FONT

TITLE_PT = 22  # 二号
BODY_PT = 16  # 三号
PAGE_NO_PT = 14  # 四号
LINE_PT = 28.95  # 225 mm text height / 22 lines


def set_font(run_or_style, name: str, size_pt: float | None = None, bold: bool | None = None) -> None:  # type: ignore[no-untyped-def]
    font = run_or_style.font
    font.name = name
    if size_pt:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def apply_page_setup(doc: DocxDocument) -> None:
    """A4; top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; body style 仿宋_GB2312 3号, exact line pitch."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28)
    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    _odd_even_page_numbers(doc)


def _page_field(paragraph) -> None:  # type: ignore[no-untyped-def]
    run = paragraph.add_run("— ")
    set_font(run, NUMBER_FONT, PAGE_NO_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        r = paragraph.add_run()
        set_font(r, NUMBER_FONT, PAGE_NO_PT)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        r._r.append(el)
    run = paragraph.add_run(" —")
    set_font(run, NUMBER_FONT, PAGE_NO_PT)


def _odd_even_page_numbers(doc: DocxDocument) -> None:
    """Page numbers on the outer margin: right on odd pages, left on even pages."""
    settings = doc.settings.element
    if settings.find(qn("w:evenAndOddHeaders")) is None:
        settings.append(OxmlElement("w:evenAndOddHeaders"))
    for section in doc.sections:
        if section.start_type not in (WD_SECTION.NEW_PAGE, WD_SECTION.CONTINUOUS, WD_SECTION.ODD_PAGE, WD_SECTION.EVEN_PAGE):
            continue
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if not odd.runs:
            _page_field(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        if not even.runs:
            _page_field(even)


def title(doc: DocxDocument, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(36)
    for i, line in enumerate(text.split("\n")):  # a long title breaks where the writer chose, not mid-word
        run = p.add_run(line)
        if i:
            run._r.addprevious(_line_break())
        set_font(run, TITLE_FONT, TITLE_PT)
    doc.add_paragraph()


def _line_break():  # type: ignore[no-untyped-def]
    r = OxmlElement("w:r")
    r.append(OxmlElement("w:br"))
    return r


def heading(doc: DocxDocument, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    p.paragraph_format.keep_with_next = True  # a heading never ends a page
    set_font(p.add_run(text), HEADING_FONT, BODY_PT)


def body(doc: DocxDocument, text: str, indent: bool = True, align_right: bool = False, keep_next: bool = False):  # type: ignore[no-untyped-def]
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    if align_right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if keep_next:
        p.paragraph_format.keep_with_next = True
    set_font(p.add_run(text), BODY_FONT, BODY_PT)
    return p


def caption(doc: DocxDocument, text: str) -> None:
    """A table or figure caption, centred and kept on the page of what it names."""
    p = body(doc, text, indent=False, keep_next=True)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def picture(doc: DocxDocument, tag: str) -> None:
    """The paragraph an inline picture goes in. It gets its own single line spacing: the body style's
    exact 28.95 pt pitch would clip the picture to one line's height (Word and LibreOffice alike)."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pf = p.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.first_line_indent = Pt(0)
    pf.space_after = Pt(6)
    set_font(p.add_run(tag), BODY_FONT, BODY_PT)


def page_break(doc: DocxDocument) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def rows_never_split(table, header_rows: int = 1) -> None:  # type: ignore[no-untyped-def]
    """No row breaks across a page (w:cantSplit); the header row repeats on each page (w:tblHeader)."""
    for i, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if i < header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))


def signature(doc: DocxDocument, office: str, date: str) -> None:
    """Signature block kept with the closing text: the paragraph before it and every line of it carry
    keep-with-next, so a page never holds the signature alone."""
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    body(doc, "", indent=False, keep_next=True)
    body(doc, office, indent=False, align_right=True, keep_next=True)
    body(doc, date, indent=False, align_right=True)


RED = "C00000"


def _rule(p, color: str = RED, size: int = 12) -> None:  # type: ignore[no-untyped-def]
    """A full-width rule under the paragraph (the 版头's red line, the 版记's black ones)."""
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def masthead(doc: DocxDocument, mark: str, number: str) -> None:
    """版头 (GB/T 9704 §7.2): the 发文机关标志 in red 小标宋, centred; the 发文字号 centred under it; a red
    rule across the text width."""
    from docx.shared import RGBColor

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.space_after = Pt(18)
    run = p.add_run(mark)
    set_font(run, TITLE_FONT, 36)
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    n = body(doc, number, indent=False)
    n.alignment = WD_ALIGN_PARAGRAPH.CENTER
    n.paragraph_format.space_after = Pt(4)
    _rule(n, RED, 18)
    doc.add_paragraph()


def colophon(doc: DocxDocument, cc: str, printer: str, printed: str) -> None:
    """版记 (GB/T 9704 §7.4): 抄送 and 印发机关/印发日期 in 4号 between black rules, after the 落款 (and kept
    on its page where it follows the 落款 directly: no page of a 版记 alone)."""
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    gap = doc.add_paragraph()
    gap.paragraph_format.keep_with_next = True
    top = doc.add_paragraph()
    top.paragraph_format.keep_with_next = True
    _rule(top, "000000", 8)
    line = doc.add_paragraph()
    line.paragraph_format.keep_with_next = True
    line.paragraph_format.left_indent = Pt(14)
    set_font(line.add_run(f"抄送：{cc}。"), BODY_FONT, PAGE_NO_PT)
    _rule(line, "000000", 4)
    last = doc.add_paragraph()
    last.paragraph_format.left_indent = Pt(14)
    last.paragraph_format.tab_stops.add_tab_stop(Mm(150), WD_TAB_ALIGNMENT.RIGHT)
    set_font(last.add_run(f"{printer}\t{printed}印发"), BODY_FONT, PAGE_NO_PT)
    _rule(last, "000000", 8)
