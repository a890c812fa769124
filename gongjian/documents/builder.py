"""Official documents (公文) as .docx in the GB/T 9704-2012 layout: A4 with a 156 × 225 mm text area (22 lines of 28
characters), red issuing-authority header and red separator line, the number centred under it, title in 二号小标宋,
body in 三号仿宋, page numbers "— 1 —" in 四号 on the outer side, closing signature and date in Arabic numerals, and
the 版记 (抄送 / 印发). The bulletin builds its own body on the same page (`letter_document`)."""

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
HEADER_SIZE, TITLE_SIZE, BODY_SIZE, PAGE_SIZE = Pt(36), Pt(22), Pt(16), Pt(14)  # 初号-ish, 二号, 三号, 四号
LINE_PITCH = Pt(28.95)  # 225 mm ÷ 22 lines
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)  # leaves 156 × 225 mm on A4
CHARS_PER_LINE = 28
TEXT_WIDTH = Emu(Mm(210) - LEFT - RIGHT)


@dataclass
class Letter:
    authority: str
    title: str
    body: list[str]
    signature: str
    issued_on: date | None
    number: str = ""
    signer: str = ""
    recipient: str = ""
    cc: str = ""
    printer: str = ""
    seal: bytes | None = None
    extra: dict = field(default_factory=dict)


def date_text(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def set_font(run_or_style, east_asia: str, size, *, bold: bool = False, color=None) -> None:
    font = run_or_style.font
    font.name = LATIN_FONT
    font.size = size
    font.bold = bold
    if color is not None:
        font.color.rgb = color
    fonts = run_or_style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def paragraph(doc_or_part, text: str = "", *, font=BODY_FONT, size=BODY_SIZE, bold=False, color=None, align=None,
              indent=True):
    p = doc_or_part.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(32) if indent else None  # 空两字
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    if text:
        set_font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def _grid(section) -> None:
    """Word's document grid: 22 lines of 28 characters in the text area."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.twips)))
    grid.set(qn("w:charSpace"), str(round((TEXT_WIDTH.pt / CHARS_PER_LINE - BODY_SIZE.pt) * 4096)))


def _page_number(footer, align, *, outer_indent: str) -> None:
    """"— 1 —" in 四号宋体, one character in from the outer edge (odd pages right, even pages left)."""
    p = footer.paragraphs[0]
    p.alignment = align
    setattr(p.paragraph_format, outer_indent, PAGE_SIZE)
    set_font(p.add_run("— "), PAGE_FONT, PAGE_SIZE)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        set_font(run, PAGE_FONT, PAGE_SIZE)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    set_font(p.add_run(" —"), PAGE_FONT, PAGE_SIZE)


def _bottom_rule(p, color: str, size: int) -> None:
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "4"), ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _top_rule(p, size: int) -> None:
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    ppr.append(borders)


def letter_document(letter: Letter):
    """A new document with the page, footer and 版头 (header, number, signer, red line) of `letter`; the caller
    adds the title and body (see `build`)."""
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.footer_distance = Emu(BOTTOM - Mm(7) - PAGE_SIZE)  # 页码位于版心下边缘之下约7 mm
    _grid(section)
    set_font(doc.styles["Normal"], BODY_FONT, BODY_SIZE)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT, outer_indent="right_indent")
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, outer_indent="left_indent")
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = letter.title, letter.signature, letter.signature
    if letter.issued_on:
        stamp = datetime.combine(letter.issued_on, time(), UTC)
        props.created = props.modified = props.last_printed = stamp
    props.revision = 1

    head = paragraph(doc, letter.authority, font=TITLE_FONT, size=HEADER_SIZE, color=RED,
                     align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    head.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    head.paragraph_format.space_before = Mm(10)
    head.paragraph_format.space_after = Pt(LINE_PITCH.pt * 2)  # 空二行
    # The number centred, the signer (签发人) at the right margin, on one line over the red separator line.
    number_line = paragraph(doc, indent=False)
    number_line.paragraph_format.tab_stops.add_tab_stop(Emu(TEXT_WIDTH // 2), WD_TAB_ALIGNMENT.CENTER)
    number_line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    set_font(number_line.add_run("\t" + (letter.number or "（未编号）")), BODY_FONT, BODY_SIZE)
    if letter.signer:
        set_font(number_line.add_run("\t签发人："), BODY_FONT, BODY_SIZE)
        set_font(number_line.add_run(letter.signer), "楷体_GB2312", BODY_SIZE)
    _bottom_rule(number_line, "FF0000", 12)
    number_line.paragraph_format.space_after = Pt(LINE_PITCH.pt * 2)
    paragraph(doc, letter.title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    paragraph(doc)
    if letter.recipient:
        paragraph(doc, f"{letter.recipient}：", indent=False)
    return doc


def closing(doc, letter: Letter) -> None:
    """署名, 成文日期 (Arabic numerals, 右空四字) with the seal, then the 版记."""
    paragraph(doc)
    sign = paragraph(doc, letter.signature, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    sign.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
    dated = paragraph(doc, date_text(letter.issued_on) if letter.issued_on else "", align=WD_ALIGN_PARAGRAPH.RIGHT,
                      indent=False)
    dated.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)
    if letter.seal:
        seal = doc.add_paragraph()
        seal.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        seal.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)
        seal.add_run().add_picture(io.BytesIO(letter.seal), width=Cm(4.2))
    paragraph(doc)
    size = Pt(14)  # 版记 in 四号仿宋
    if letter.cc:
        cc = paragraph(doc, f"抄送：{letter.cc}。", size=size, indent=False)
        cc.paragraph_format.left_indent = size
        _top_rule(cc, 12)
    printed = paragraph(doc, indent=False, size=size)
    printed.paragraph_format.tab_stops.add_tab_stop(Emu(TEXT_WIDTH - size), WD_TAB_ALIGNMENT.RIGHT)
    printed.paragraph_format.left_indent = size
    set_font(printed.add_run(letter.printer or letter.signature), BODY_FONT, size)
    if letter.issued_on:
        set_font(printed.add_run(f"\t{date_text(letter.issued_on)}印发"), BODY_FONT, size)
    _top_rule(printed, 4 if letter.cc else 12)
    _bottom_rule(printed, "000000", 12)


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def build(letter: Letter) -> bytes:
    doc = letter_document(letter)
    for text in letter.body:
        text = text.strip()
        if not text:
            continue
        heading = text[:2] in {f"{n}、" for n in "一二三四五六七八九十"}
        paragraph(doc, text, font=HEAD_FONT if heading else BODY_FONT)
    closing(doc, letter)
    return to_bytes(doc)
