"""The inspection's 督查专报 (.docx): what was checked, what was found (with the photos and how their location
checked out), which units, what the office proposes."""

from io import BytesIO

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor

from gongjian import clock
from gongjian.inspections import selectors
from gongjian.inspections.models import Finding, Inspection, Photo

RED = RGBColor(0xC0, 0x00, 0x00)


def _font(run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name, run.font.size, run.bold = name, Pt(size), bold
    run.element.rPr.rFonts.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", name)
    if color is not None:
        run.font.color.rgb = color


def _para(doc, text: str, *, font="仿宋_GB2312", size=16, bold=False, align=None, color=None):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _photo_line(photo: Photo) -> str:
    return f"{photo.get_verdict_display()}：{photo.verdict_note}"


def build(inspection: Inspection, findings: list[Finding], *, issuer: str = "") -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _para(doc, "督 查 专 报", font="方正小标宋简体", size=26, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    _para(doc, issuer or getattr(settings, "GONGJIAN_ISSUER", "") or "督查室", size=14,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, inspection.subject, font="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    kind = inspection.get_kind_display()
    _para(doc, f"{inspection.start:%Y年%-m月%-d日}至{inspection.end:%-m月%-d日}，督查组以{kind}方式对"
               f"{inspection.tasks.count()}项事项进行了检查，发现问题{len(findings)}个。"
               f"{inspection.scope}".strip())
    _para(doc, "一、发现的问题", font="黑体")
    for n, finding in enumerate(findings, 1):
        item = finding.task.title if finding.task else "—"
        text = f"{n}. {finding.unit.name}（{item}）：{finding.description}"
        if finding.progress_seen is not None and finding.progress_claimed is not None:
            text += (f" 单位填报进度{selectors.percent_text(finding.progress_claimed)}%，"
                     f"现场所见{selectors.percent_text(finding.progress_seen)}%。")
        if finding.is_false_report:
            text += f" 经认定报送不实：{finding.false_report_reason}"
        rectification = getattr(finding, "rectification", None)
        if rectification is not None:
            state = "已整改" if rectification.closed_on else f"整改时限{rectification.task.deadline:%-m月%-d日}"
            text += f"（已交办整改，{state}）"
        _para(doc, text)
        for photo in finding.photos.all():
            try:
                with photo.file.open("rb") as handle:
                    doc.add_picture(BytesIO(handle.read()), width=Mm(70))
            except (OSError, ValueError):
                continue
            _para(doc, _photo_line(photo), size=12)
    _para(doc, "二、问题分布", font="黑体")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, ("单位", "问题数", "其中报送不实"), strict=True):
        cell.text = title
    for name, count, false in selectors.unit_ranking(findings):
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = name, str(count), str(false)
    _para(doc, "三、意见建议", font="黑体")
    for line in (inspection.proposals or "请各责任单位按时限完成整改，督查室将适时组织“回头看”。").splitlines():
        if line.strip():
            _para(doc, line.strip())
    _para(doc, f"{clock.today():%Y年%-m月%-d日}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
