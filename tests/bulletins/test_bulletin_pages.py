"""The bulletin page, downloads, publishing and the command: office only, audited, immutable once published."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from gongjian.audit.models import AuditEvent
from gongjian.bulletins import services
from gongjian.bulletins.models import Bulletin
from gongjian.errors import Conflict

pytestmark = pytest.mark.django_db


def _url(march, tail=""):
    return f"/bulletins/{march.campaign.pk}/2023-03/{tail}"


def _events(*names):
    return list(AuditEvent.objects.filter(event__in=names).order_by("seq").values_list("event", flat=True))


def test_office_previews_the_month_before_saving(march, client_for):
    response = client_for(march.cast.office).get(_url(march))
    assert response.status_code == 200
    body = response.content.decode()
    assert "攻坚克难年工作通报（2023年第3期）" in body and "一、总体情况" in body and "建设姜山新材料产业园" in body
    assert not Bulletin.objects.exists()


def test_index_redirects_to_the_chosen_month_and_rejects_a_bad_one(march, client_for):
    client = client_for(march.cast.office)
    response = client.get("/bulletins/", {"campaign": march.campaign.pk, "month": "2023-03"})
    assert response.status_code == 302 and response["Location"] == _url(march)
    bad = client.get("/bulletins/", {"campaign": march.campaign.pk, "month": "2023-3x"})
    assert bad.status_code == 400 and "月份格式应为 2023-03" in bad.content.decode()


@pytest.mark.parametrize("who", ["leader", "editor_a", "viewer_a", "outsider_b", "system_admin"])
def test_only_the_office_opens_bulletins(march, client_for, who):
    client = client_for(getattr(march.cast, who))
    assert client.get("/bulletins/").status_code == 403
    assert client.get(_url(march)).status_code == 403
    assert client.get(_url(march, "docx/")).status_code == 403
    assert client.post(_url(march), {"title": "x", "office_text": "y"}).status_code == 403
    assert client.post(_url(march, "publish/")).status_code == 403
    assert not Bulletin.objects.exists()


def test_anonymous_is_sent_to_login(march, citizen):
    response = citizen.get(_url(march))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_unknown_month_or_campaign_is_404(march, client_for):
    client = client_for(march.cast.office)
    assert client.get(f"/bulletins/{march.campaign.pk}/2023-13/").status_code == 404
    assert client.get("/bulletins/999/2023-03/").status_code == 404


def test_office_edits_text_and_downloads_docx_and_xlsx(march, client_for):
    client = client_for(march.cast.office)
    response = client.post(_url(march), {"title": "莱西市“攻坚克难年”工作通报（2023年第3期）",
                                         "office_text": "一要压实责任。\n二要加快进度。"})
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.office_text == "一要压实责任。\n二要加快进度。"
    docx = client.get(_url(march, "docx/"))
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    text = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert text[2] == "莱西市“攻坚克难年”工作通报（2023年第3期）" and "二要加快进度。" in text
    xlsx = client.get(_url(march, "xlsx/"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert _events("bulletin.create", "bulletin.export") == ["bulletin.create", "bulletin.export", "bulletin.export"]


def test_saving_with_a_too_long_title_names_the_field(march, client_for):
    response = client_for(march.cast.office).post(_url(march), {"title": "长" * 121, "office_text": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert not Bulletin.objects.exists()


def test_stale_version_is_a_conflict(march, client_for):
    client = client_for(march.cast.office)
    client.post(_url(march), {"title": "通报", "office_text": "第一稿"})
    client.post(_url(march), {"title": "通报", "office_text": "第二稿", "version": 1})
    response = client.post(_url(march), {"title": "通报", "office_text": "旧页面", "version": 1})
    assert response.status_code == 409
    assert Bulletin.objects.get().office_text == "第二稿"


def test_published_bulletin_is_frozen(march, client_for, settings):
    client = client_for(march.cast.office)
    client.post(_url(march), {"title": "通报", "office_text": "意见"})
    assert client.post(_url(march, "publish/")).status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.is_published and bulletin.content["colors"]["red"] >= 1
    frozen = bulletin.content
    # Later work changes the live figures, not the published document.
    from gongjian.campaigns import services as task_services

    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    task_services.task_transition(actor=march.cast.office, task=march.near, to="completed", on=date(2023, 3, 30))
    response = client.get(_url(march))
    assert response.context["c"]["tasks"] == frozen["tasks"]
    assert client.post(_url(march), {"title": "改", "office_text": "改"}).status_code == 409
    with pytest.raises(Conflict):
        services.bulletin_publish(actor=march.cast.office, bulletin=bulletin)
    assert Bulletin.objects.get().office_text == "意见"
    assert _events("bulletin.create", "bulletin.publish") == ["bulletin.create", "bulletin.publish"]


def test_command_writes_docx_and_xlsx(march, tmp_path, capsys):
    out = tmp_path / "通报.docx"
    call_command("bulletin", "--month", "2023-03", "--out", str(out), "--campaign", str(march.campaign.pk))
    assert out.exists() and (tmp_path / "通报.xlsx").exists()
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    assert "一、总体情况" in paragraphs
    assert "红牌" in capsys.readouterr().out


def test_command_refuses_a_bad_month(march, tmp_path):
    with pytest.raises(CommandError, match="月份格式"):
        call_command("bulletin", "--month", "March", "--out", str(tmp_path / "x.docx"))
