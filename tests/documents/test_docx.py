"""The generated 督办通知单 read back with python-docx: number, red header and line, fonts, margins, page field,
signer, and the workflow that must run before it gets a number."""

import io
import shutil
import struct
import zlib
from datetime import date

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from docx.shared import Emu, Mm

from gongjian.audit.models import AuditEvent
from gongjian.campaigns import services as task_services
from gongjian.documents import pdf, selectors, services
from gongjian.documents.models import DocType, Document
from gongjian.documents.money import money_text
from gongjian.errors import UserError


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def signed_notice(cast, campaign, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 20)
    services.letterhead_update(actor=cast.office, authority="莱西市人民政府督查室", signature="莱西市人民政府督查室",
                               abbreviation="莱", seal=_png())
    task = task_services.task_create(actor=cast.office, campaign=campaign, title="姜山镇污水管网改造",
                                     lead_unit=cast.unit_a, deadline=date(2023, 6, 30))
    for _ in range(11):  # numbers 1–11 of the year are already taken
        services.issue_number(doc_type=DocType.NOTICE, year=2023)
    doc = services.document_create(actor=cast.office, doc_type=DocType.NOTICE, title="关于加快推进污水管网改造的督办通知",
                                   body="一、督办事项\n请于4月10日前报送办理情况。", recipient="姜山镇人民政府",
                                   cc="市委办公室，市政府办公室", task=task)
    doc = services.document_submit(actor=cast.office, document=doc)
    doc = services.document_review(actor=cast.office, document=doc, approve=True)
    return services.document_sign(actor=cast.leader, document=doc)


def _fonts(paragraph) -> set[str]:
    names = set()
    for run in paragraph.runs:
        fonts = run._r.rPr.rFonts if run._r.rPr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            names.add(fonts.get(qn("w:eastAsia")))
    return names


def test_notice_docx_follows_gb_t_9704(signed_notice):
    assert signed_notice.number == "莱督字〔2023〕12号"
    doc = read_docx(io.BytesIO(selectors.docx_of(signed_notice)))
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    text_height = section.page_height - section.top_margin - section.bottom_margin
    assert abs(text_width - Mm(156)) < Mm(0.1) and abs(text_height - Mm(225)) < Mm(0.1)
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert round(Emu(text_height).pt / (int(grid.get(qn("w:linePitch"))) / 20)) == 22

    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    header, number_line, title = paragraphs[:3]
    assert header.text == "莱西市人民政府督查室"
    assert all(r.font.color.rgb == (0xFF, 0, 0) for r in header.runs) and "方正小标宋简体" in _fonts(header)
    assert "莱督字〔2023〕12号" in number_line.text and "签发人：常务副市长" in number_line.text
    assert "\t莱督字" in number_line.text  # on the centre tab stop
    bottom = number_line._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"  # the red separator line
    assert title.text == "关于加快推进污水管网改造的督办通知"
    assert _fonts(title) == {"方正小标宋简体"} and title.runs[0].font.size.pt == 22  # 二号
    body = next(p for p in paragraphs if p.text.startswith("请于"))
    assert _fonts(body) == {"仿宋_GB2312"} and body.runs[0].font.size.pt == 16  # 三号
    assert any(p.text == "2023年3月20日" for p in paragraphs)  # Arabic numerals
    assert any(p.text.startswith("抄送：市委办公室") for p in paragraphs)
    assert any("2023年3月20日印发" in p.text for p in paragraphs)
    assert doc.inline_shapes  # the seal

    assert doc.settings.odd_and_even_pages_header_footer
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert {r.font.size.pt for r in p.runs} == {14}  # 四号
        assert p.alignment == (2 if side == "right" else 0)
        assert getattr(p.paragraph_format, f"{side}_indent").pt == 14  # 空一字 on the outer side


def test_no_number_before_signing_and_workflow_is_audited(cast, campaign):
    doc = services.document_create(actor=cast.office, doc_type=DocType.INSPECTION, title="督查通知", body="正文")
    with pytest.raises(UserError):
        services.document_sign(actor=cast.office, document=doc)
    doc = services.document_submit(actor=cast.office, document=doc)
    with pytest.raises(UserError, match="审核意见"):
        services.document_review(actor=cast.office, document=doc, approve=False)
    doc = services.document_review(actor=cast.office, document=doc, approve=False, note="请补充时限")
    assert doc.status == Document.Status.DRAFT and doc.number == ""
    doc = services.document_submit(actor=cast.office, document=doc)
    doc = services.document_review(actor=cast.office, document=doc, approve=True)
    with pytest.raises(UserError):
        services.document_sign(actor=cast.editor_a, document=doc)
    doc = services.document_sign(actor=cast.office, document=doc)
    assert doc.number.endswith(f"〔{doc.year}〕1号")
    events = list(AuditEvent.objects.filter(object_type="documents.document").values_list("event", flat=True))
    assert {"document.create", "document.submit", "document.return", "document.approve", "document.sign"} <= set(events)


def test_seal_must_be_png(cast, db):
    with pytest.raises(UserError) as err:
        services.letterhead_update(actor=cast.office, authority="督查室", signature="督查室", seal=b"GIF89a")
    assert err.value.field == "seal"


@pytest.mark.parametrize(("yuan", "text"), [
    (125_000_000, "1.25亿元"), (3_500_000, "350万元"), (12_345_678_900, "123.46亿元"), (98_765_432, "9,876.54万元"),
    (0, "0万元"), (1_234_560_000_000, "12,345.6亿元"),
])
def test_money_text(yuan, text):
    assert money_text(yuan) == text


def test_pdf_conversion(signed_notice):
    if not pdf.available():
        pytest.skip("soffice (LibreOffice, Debian package libreoffice-writer-nogui) is not installed: PDF not checked")
    data = pdf.to_pdf(selectors.docx_of(signed_notice))
    assert data.startswith(b"%PDF")
    assert shutil.which("soffice")
