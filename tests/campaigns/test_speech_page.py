from datetime import date

import pytest
from django.core.management import call_command

from gongjian.campaigns.models import Task
from gongjian.demo.campaign import SEED

pytestmark = pytest.mark.django_db
SPEECH = "以深化双招双引为重点，在强力推动项目建设上攻坚克难。要不断充实招商力量、坚持全市招商一盘棋。要提高营商环境法治化水平。"


def test_office_pastes_speech_and_sees_draft_with_sentences(cast, client_for, campaign):
    html = client_for(cast.office).post("/campaigns/speech/", {"text": SPEECH, "step": "parse"}).content.decode()
    assert "深化双招双引" in html and "要不断充实招商力量" in html and 'name="t-0-1-text"' in html


def test_only_units_the_text_names_are_preselected(cast, client_for, campaign):
    text = "会议议定：一、由县发改局牵头，4月底前完成土地收储；二、加快推进招商引资。"
    html = client_for(cast.office).post("/campaigns/speech/", {"text": text, "step": "parse"}).content.decode()
    selected = f'<option value="{cast.unit_b.pk}" selected>发改局</option>'
    assert html.count(selected) == 1 and html.count(" selected>") == 1


def test_plain_text_gives_empty_draft_with_message(cast, client_for):
    response = client_for(cast.office).post("/campaigns/speech/", {"text": "今天天气很好。", "step": "parse"})
    assert response.status_code == 200 and "未识别" in response.content.decode()


def _accept(client, campaign, unit, **extra):
    data = {"step": "accept", "campaign": campaign.pk, "deadline": "2023-12-31", "a-0-title": "深化双招双引",
            "a-0-sentence": "以深化双招双引为重点", "t-0-0-text": "不断充实招商力量", "t-0-0-sentence": "要不断充实招商力量。",
            "t-0-0-unit": unit.pk, "t-0-0-keep": "1", "t-0-1-text": "坚持全市招商一盘棋", "t-0-1-sentence": "坚持全市招商一盘棋。",
            "t-0-1-unit": unit.pk, "t-0-1-keep": "1"} | extra
    return client.post("/campaigns/speech/", data)


def test_accepting_creates_draft_tasks_with_their_source_sentences(cast, client_for, campaign):
    response = _accept(client_for(cast.office), campaign, cast.unit_b)
    assert response.status_code == 302
    tasks = list(Task.objects.order_by("id"))
    assert [(t.title, t.source_sentence, t.status, t.deadline) for t in tasks] == [
        ("不断充实招商力量", "要不断充实招商力量。", "draft", date(2023, 12, 31)),
        ("坚持全市招商一盘棋", "坚持全市招商一盘棋。", "draft", date(2023, 12, 31)),
    ]
    assert all(t.focus_area.title == "深化双招双引" for t in tasks)


def test_merge_and_delete_while_accepting(cast, client_for, campaign):
    _accept(client_for(cast.office), campaign, cast.unit_b, **{"t-0-1-merge": "1"})
    task = Task.objects.get()
    assert task.title == "不断充实招商力量；坚持全市招商一盘棋"
    Task.objects.all().delete()
    data = {"t-0-1-keep": ""}
    _accept(client_for(cast.office), campaign, cast.unit_b, **data)
    assert list(Task.objects.values_list("title", flat=True)) == ["不断充实招商力量"]


def test_missing_lead_unit_is_named_and_nothing_written(cast, client_for, campaign):
    response = _accept(client_for(cast.office), campaign, cast.unit_b, **{"t-0-1-unit": ""})
    assert response.status_code == 400 and "任务1.2" in response.content.decode()
    assert not Task.objects.exists()


def test_only_the_office_uses_the_speech_page(cast, client_for):
    for who in ("leader", "editor_a", "viewer_a"):
        assert client_for(getattr(cast, who)).get("/campaigns/speech/").status_code == 403


def test_parse_speech_command_json(capsys):
    import json

    call_command("parse-speech", str(SEED), "--json")
    result = json.loads(capsys.readouterr().out)
    assert len(result["focus_areas"]) == 8
    assert all({"text", "sentence", "lead_unit", "leader_post"} <= set(t) for a in result["focus_areas"]
               for t in a["tasks"])
