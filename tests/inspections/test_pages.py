"""Pages and API as each person: the office plans and records, the team records, the unit sees its own findings
(not a secret check's, not where photos were taken) and closes its rectification with evidence; outsiders get 404,
read-only users 403, the 三员 see nothing."""

from datetime import date

import pytest
from docx import Document

from gongjian.inspections import services
from gongjian.inspections.models import Finding, Inspection, Rectification

from .conftest import FAR, NEAR, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(cast, inspection, project):
    return services.finding_record(actor=cast.office, inspection=inspection, task=project, description="围挡缺失",
                                   photos=[jpeg(at=FAR)])


@pytest.fixture
def covert(cast, campaign, project, today):
    inspection = services.inspection_create(actor=cast.office, campaign=campaign, kind=Inspection.Kind.COVERT,
                                            subject="窗口作风暗访", start=today, end=today, tasks=[project])
    services.finding_record(actor=cast.office, inspection=inspection, task=project, description="暗访发现的问题")
    return inspection


def test_the_office_plans_an_inspection_on_a_page(cast, client_for, campaign, project, today):
    office = client_for(cast.office)
    page = office.get("/inspections/new/")
    assert page.status_code == 200 and "制定督查计划" in page.content.decode()
    bad = office.post("/inspections/new/", {"campaign": campaign.pk, "kind": "special", "subject": "",
                                            "start": "2023-03-27", "end": "2023-03-20", "max_distance_m": 500,
                                            "max_accuracy_m": 100})
    assert bad.status_code == 400 and not Inspection.objects.exists()
    ok = office.post("/inspections/new/", {"campaign": campaign.pk, "kind": "special", "subject": "项目专项督查",
                                           "start": "2023-03-27", "end": "2023-03-31", "tasks": [project.pk],
                                           "team": [cast.office.pk], "max_distance_m": 500, "max_accuracy_m": 100})
    inspection = Inspection.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/inspections/{inspection.pk}/"


@pytest.mark.parametrize("who", ["leader", "editor_a", "viewer_a", "system_admin"])
def test_only_the_office_plans(cast, client_for, who):
    assert client_for(getattr(cast, who)).get("/inspections/new/").status_code == 403


def test_recording_on_site_at_phone_width(cast, client_for, inspection, project):
    office = client_for(cast.office)
    form = office.get(f"/inspections/{inspection.pk}/check/{project.pk}/")
    html = form.content.decode()
    assert form.status_code == 200 and 'capture="environment"' in html and "locate.js" in html
    response = office.post(f"/inspections/{inspection.pk}/check/{project.pk}/", {
        "description": "现场未见施工", "progress_seen": "20", "latitude": "36.8801", "longitude": "120.5201",
        "accuracy_m": "15", "photos": [jpeg(at=NEAR), jpeg(at=FAR, name="far.jpg")]})
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert sorted(finding.photos.values_list("verdict", flat=True)) == ["far", "match"]
    detail = office.get(f"/inspections/findings/{finding.pk}/").content.decode()
    assert "位置不符" in detail and "超过500米" in detail


def test_a_bad_photo_is_refused_with_a_message_and_nothing_written(cast, client_for, inspection, project):
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = client_for(cast.office).post(f"/inspections/{inspection.pk}/check/{project.pk}/", {
        "description": "x", "photos": [SimpleUploadedFile("x.jpg", b"GIF89a" + b"\x00" * 50)]})
    assert response.status_code == 400 and "不是JPG或PNG照片" in response.content.decode()
    assert not Finding.objects.exists()


def test_a_team_member_who_is_not_office_can_record(cast, client_for, campaign, project, today):
    inspection = services.inspection_create(actor=cast.office, campaign=campaign, subject="联合督查", start=today,
                                            end=today, tasks=[project], team=[cast.leader])
    response = client_for(cast.leader).post(f"/inspections/{inspection.pk}/check/{project.pk}/",
                                            {"description": "进度滞后"})
    assert response.status_code == 302 and Finding.objects.get().recorded_by == cast.leader


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("editor_a", 404), ("outsider_b", 404),
                                             ("security_admin", 404)])
def test_others_cannot_record(cast, client_for, inspection, project, who, status):
    response = client_for(getattr(cast, who)).post(f"/inspections/{inspection.pk}/check/{project.pk}/",
                                                   {"description": "x"})
    assert response.status_code == status and not Finding.objects.exists()


def test_the_unit_sees_its_finding_without_the_location_and_outsiders_see_nothing(cast, client_for, finding):
    unit_page = client_for(cast.viewer_a).get(f"/inspections/findings/{finding.pk}/")
    html = unit_page.content.decode()
    assert unit_page.status_code == 200 and "围挡缺失" in html
    assert "位置不符" not in html and "米" not in html.split("现场照片", 1)[-1].split("</figure>", 1)[0]
    assert client_for(cast.outsider_b).get(f"/inspections/findings/{finding.pk}/").status_code == 404
    photo = finding.photos.get()
    assert client_for(cast.viewer_a).get(f"/inspections/photos/{photo.pk}/").status_code == 200
    assert client_for(cast.outsider_b).get(f"/inspections/photos/{photo.pk}/").status_code == 404
    assert client_for(cast.audit_admin).get(f"/inspections/{finding.inspection_id}/").status_code == 404


def test_a_covert_check_is_hidden_from_the_unit_until_published(cast, client_for, api_for, covert):
    finding = covert.findings.get()
    assert client_for(cast.editor_a).get(f"/inspections/{covert.pk}/").status_code == 404
    assert client_for(cast.editor_a).get(f"/inspections/findings/{finding.pk}/").status_code == 404
    assert api_for(cast.editor_a).get("/api/v1/inspections/").json()["count"] == 0
    assert client_for(cast.editor_a).post(f"/inspections/{covert.pk}/publish/").status_code == 404
    assert client_for(cast.leader).post(f"/inspections/{covert.pk}/publish/").status_code == 403
    assert client_for(cast.office).post(f"/inspections/{covert.pk}/publish/").status_code == 302
    assert client_for(cast.editor_a).get(f"/inspections/findings/{finding.pk}/").status_code == 200
    assert api_for(cast.editor_a).get("/api/v1/inspections/").json()["count"] == 1


def test_rectify_then_the_unit_closes_with_evidence(cast, client_for, finding):
    office, editor, viewer = client_for(cast.office), client_for(cast.editor_a), client_for(cast.viewer_a)
    assert editor.post(f"/inspections/findings/{finding.pk}/rectify/", {"deadline": "2023-04-28"}).status_code == 403
    bad = office.post(f"/inspections/findings/{finding.pk}/rectify/", {"deadline": "2023-03-01"})
    assert bad.status_code == 400 and "整改时限不能早于今天" in bad.content.decode()
    assert office.post(f"/inspections/findings/{finding.pk}/rectify/", {"deadline": "2023-04-28"}).status_code == 302
    rectification = Rectification.objects.get()
    page = editor.get(f"/inspections/findings/{finding.pk}/").content.decode()
    assert "报送整改完成" in page
    assert "报送整改完成" not in viewer.get(f"/inspections/findings/{finding.pk}/").content.decode()
    url = f"/inspections/rectifications/{rectification.pk}/close/"
    assert viewer.post(url, {"note": "已整改", "evidence": jpeg(at=NEAR)}).status_code == 403
    assert client_for(cast.outsider_b).post(url, {"note": "x", "evidence": jpeg(at=NEAR)}).status_code == 404
    missing = editor.post(url, {"note": "已整改"})
    assert missing.status_code == 400
    assert editor.post(url, {"note": "围挡已补齐", "evidence": jpeg(at=NEAR)}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.closed_on == date(2023, 3, 31)
    assert editor.get(f"/inspections/rectifications/{rectification.pk}/evidence/").status_code == 200


def test_false_report_form_only_for_the_office_and_only_when_contradicted(cast, client_for, inspection, project,
                                                                          claimed):
    finding = services.finding_record(actor=cast.office, inspection=inspection, task=project, description="x",
                                      progress_seen="30")
    assert "认定报送不实" in client_for(cast.office).get(f"/inspections/findings/{finding.pk}/").content.decode()
    assert "认定报送不实" not in client_for(cast.leader).get(f"/inspections/findings/{finding.pk}/").content.decode()
    url = f"/inspections/findings/{finding.pk}/false-report/"
    assert client_for(cast.leader).post(url, {"reason": "不实"}).status_code == 403
    assert client_for(cast.office).post(url, {"reason": ""}).status_code == 400
    assert client_for(cast.office).post(url, {"reason": "所报60%不实"}).status_code == 302


def test_the_special_report_lists_findings_and_flags(cast, client_for, finding, inspection):
    services.rectification_create(actor=cast.office, finding=finding, deadline=date(2023, 4, 28))
    response = client_for(cast.office).get(f"/inspections/{inspection.pk}/report.docx")
    assert response.status_code == 200
    from io import BytesIO
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    assert "督 查 专 报" in text and "围挡缺失" in text and "位置不符" in text and "已交办整改" in text
    assert client_for(cast.leader).get(f"/inspections/{inspection.pk}/report.docx").status_code == 403


def test_api_lists_with_location_only_for_the_office_and_validates_creation(cast, api_for, finding, campaign):
    office = api_for(cast.office).get("/api/v1/inspections/").json()["results"][0]
    assert office["findings"][0]["photos"][0]["verdict"] == "far"
    unit = api_for(cast.viewer_a).get("/api/v1/inspections/").json()["results"][0]
    assert "verdict" not in unit["findings"][0]["photos"][0] and "exif_latitude" not in unit["findings"][0]["photos"][0]
    assert api_for(cast.outsider_b).get("/api/v1/inspections/").json()["count"] == 0
    assert api_for(cast.outsider_b).get(f"/api/v1/inspections/{finding.inspection_id}/").status_code == 404
    body = {"campaign": campaign.pk, "kind": "site", "subject": "API督查", "start": "2023-03-01", "end": "2023-03-02"}
    assert api_for(cast.leader).post("/api/v1/inspections/", body, format="json").status_code == 403
    bad = api_for(cast.office).post("/api/v1/inspections/", {**body, "end": "2023-02-01"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "end"
    bad = api_for(cast.office).post("/api/v1/inspections/", {**body, "max_distance_m": "x"}, format="json")
    assert bad.status_code == 400
    assert api_for(cast.office).post("/api/v1/inspections/", body, format="json").status_code == 201
    assert api_for(None).get("/api/v1/inspections/").status_code in (401, 403)


def test_the_false_report_deduction_cites_the_check(cast, inspection, project, claimed, settings):
    from gongjian.assessment import services as assessment
    from gongjian.assessment.models import ScoreItem
    finding = services.finding_record(actor=cast.office, inspection=inspection, task=project, description="进度不符",
                                      progress_seen="30")
    services.false_report_record(actor=cast.office, finding=finding, reason="所报60%不实")
    scheme = assessment.scheme_for(actor=cast.office, campaign=inspection.campaign, period_type="month")
    ranking = assessment.ranking_compute(actor=cast.office, scheme=scheme, label="2023-03")
    item = ScoreItem.objects.get(score__ranking=ranking, indicator="report_untrue")
    assert item.score.unit == cast.unit_a and item.points == -1
    assert "60%" in item.reason and "现场所见30%" in item.reason
    assert (item.source_type, item.source_id) == ("inspections.finding", finding.pk)
    from gongjian.assessment.selectors import source_urls
    assert source_urls([item])[("inspections.finding", finding.pk)] == f"/inspections/findings/{finding.pk}/"


def test_the_special_report_becomes_an_official_document_numbered_when_signed(cast, client_for, finding,
                                                                               inspection):
    from gongjian.documents import services as document_services
    from gongjian.documents.models import DocType
    assert client_for(cast.leader).post(f"/inspections/{inspection.pk}/document/").status_code == 403
    response = client_for(cast.office).post(f"/inspections/{inspection.pk}/document/")
    inspection.refresh_from_db()
    document = inspection.document
    assert response.status_code == 302 and response["Location"] == f"/documents/{document.pk}/"
    assert document.doc_type == DocType.SPECIAL and "围挡缺失" in document.body and "位置存疑" in document.body
    again = client_for(cast.office).post(f"/inspections/{inspection.pk}/document/", follow=True)
    assert "已起草督查专报" in again.content.decode()
    document_services.document_submit(actor=cast.office, document=document)
    document_services.document_review(actor=cast.office, document=document, approve=True)
    signed = document_services.document_sign(actor=cast.office, document=document)
    assert signed.number.endswith("〔2023〕1号") and "督专" in signed.number
    assert signed.number in client_for(cast.office).get(f"/inspections/{inspection.pk}/").content.decode()
