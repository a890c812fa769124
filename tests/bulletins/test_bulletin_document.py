"""The monthly 通报 goes out as an official document: drafted from the published bulletin, reviewed, signed; its
.docx then carries the red header, the 督通 number and the signer, with the bulletin's sections unchanged."""

import io

import pytest
from docx import Document as read_docx

from gongjian.documents.models import Document

pytestmark = pytest.mark.django_db


def test_published_bulletin_becomes_a_numbered_document(march, client_for):
    office = client_for(march.cast.office)
    url = f"/bulletins/{march.campaign.pk}/2023-03/"
    assert office.post(url + "document/").status_code == 404  # not published yet
    office.post(url + "publish/")
    assert client_for(march.cast.editor_a).post(url + "document/").status_code == 403
    response = office.post(url + "document/")
    document = Document.objects.get()
    assert response["Location"] == f"/documents/{document.pk}/" and document.doc_type == "bulletin"
    assert office.post(url + "document/")["Location"] == response["Location"]  # one document per bulletin
    office.post(f"/documents/{document.pk}/submit/")
    office.post(f"/documents/{document.pk}/approve/")
    office.post(f"/documents/{document.pk}/sign/")
    document.refresh_from_db()
    assert document.number == "督通〔2023〕1号"
    for docx in (office.get(url + "docx/").content, office.get(f"/documents/{document.pk}/docx/").content):
        lines = [p.text for p in read_docx(io.BytesIO(docx)).paragraphs]
        assert lines[0] == "市委市政府督查室" and "督通〔2023〕1号" in lines[1] and "签发人：督查室主任" in lines[1]
        assert "一、总体情况" in lines and lines[2].endswith("（2023年第3期）")
