"""Golden ideas (金点子): duplicate check, public answers, adoption as a task with milestones, points, tracking."""

from datetime import date

import pytest
from django.core.cache import cache

from gongjian.audit.models import AuditEvent
from gongjian.errors import UserError
from gongjian.frontline import services
from gongjian.frontline.models import Idea, PointsEntry

pytestmark = pytest.mark.django_db
TEXT = "社区独居老人做饭难，建议在姜山镇社区开办长者食堂，对高龄和困难老人给予用餐补贴。"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def idea(cast, today):
    return services.idea_submit(actor=None, title="开办社区长者食堂", text=TEXT, category="livelihood",
                                town=cast.unit_a, proposer_name="赵六", proposer_phone="13655556666")


def _accept(cast, campaign, idea, **extra):
    services.idea_evaluate(actor=cast.office, idea=idea)
    return services.idea_accept(actor=cast.office, idea=idea, answer="采纳，由姜山镇试点。", campaign=campaign,
                                lead_unit=cast.unit_a, deadline=date(2023, 9, 30),
                                milestones=[("制定试点方案", date(2023, 4, 30)), ("长者食堂开业", date(2023, 8, 31))],
                                **extra)


def test_a_similar_idea_is_pointed_out_and_can_be_confirmed(cast, idea):
    with pytest.raises(UserError) as caught:
        services.idea_submit(actor=None, title="建议开办社区长者食堂", text=TEXT, category="livelihood")
    assert caught.value.code == "duplicate" and caught.value.status == 409
    again = services.idea_submit(actor=None, title="建议开办社区长者食堂", text=TEXT, category="livelihood",
                                 confirm_duplicate=True)
    assert again.similar_to == idea
    different = services.idea_submit(actor=None, title="举办莱西湖马拉松", text="环莱西湖举办半程马拉松，带动消费。",
                                     category="culture_tourism")
    assert different.similar_to is None


def test_accepted_idea_becomes_an_assigned_task_with_milestones_and_points(cast, campaign, idea):
    idea = _accept(cast, campaign, idea)
    task = idea.task
    assert (idea.state, task.source, task.status) == ("accepted", "idea", "assigned")
    assert list(task.milestones.values_list("title", flat=True)) == ["制定试点方案", "长者食堂开业"]
    entry = PointsEntry.objects.get()
    assert (entry.points, entry.proposer_key) == (10, idea.proposer_key) and "13655556666" not in entry.proposer_key
    events = list(AuditEvent.objects.filter(object_type="frontline.idea", object_id=str(idea.pk))
                  .values_list("event", flat=True))
    assert events == ["idea.submit", "idea.evaluate", "idea.accept", "idea.points"]


def test_proposer_follows_the_task_with_the_code(cast, campaign, idea, citizen):
    idea = _accept(cast, campaign, idea)
    from gongjian.campaigns import services as task_services

    milestone = idea.task.milestones.order_by("order").first()
    task_services.milestone_complete(actor=cast.editor_a, milestone=milestone, done_on=date(2023, 3, 1))
    html = citizen.get(f"/public/ideas/track/?code={idea.code}").content.decode()
    assert "已采纳" in html and "采纳，由姜山镇试点。" in html and "制定试点方案" in html
    assert "2023-03-01已完成" in html and "推进中" in html and "10分" in html
    assert "13655556666" not in html and "赵六" not in html


def test_rejection_needs_a_public_answer_and_the_evaluation_step(cast, idea):
    with pytest.raises(UserError) as caught:
        services.idea_reject(actor=cast.office, idea=idea, answer="不可行")
    assert caught.value.code == "bad_transition"
    services.idea_evaluate(actor=cast.office, idea=idea)
    with pytest.raises(UserError):
        services.idea_reject(actor=cast.office, idea=idea, answer="")
    idea = services.idea_reject(actor=cast.office, idea=idea, answer="已有同类政策，暂不采纳。")
    assert idea.state == "rejected"
    with pytest.raises(UserError) as caught:
        services.idea_evaluate(actor=cast.office, idea=idea)
    assert caught.value.code == "bad_transition"


def test_acceptance_needs_milestones(cast, campaign, idea):
    services.idea_evaluate(actor=cast.office, idea=idea)
    with pytest.raises(UserError) as caught:
        services.idea_accept(actor=cast.office, idea=idea, answer="采纳", campaign=campaign, lead_unit=cast.unit_a,
                             deadline=date(2023, 9, 30), milestones=[])
    assert caught.value.field == "milestones"
    assert Idea.objects.get(pk=idea.pk).state == "evaluating"


def test_points_ledger(cast, campaign, idea, client_for):
    idea = _accept(cast, campaign, idea)
    services.idea_points_award(actor=cast.office, idea=idea, points=20, reason="季度评选一等奖")
    with pytest.raises(UserError):
        services.idea_points_award(actor=cast.office, idea=idea, points=0, reason="无")
    html = client_for(cast.office).get("/ideas/points/").content.decode()
    assert "30" in html and "赵*" in html and "季度评选一等奖" in html
    assert client_for(cast.editor_a).get("/ideas/points/").status_code == 403


def test_anonymous_ideas_earn_no_points(cast, campaign):
    idea = services.idea_submit(actor=None, title="沿大沽河打造骑行绿道", text="建设骑行绿道，设置驿站。",
                                category="culture_tourism")
    idea = _accept(cast, campaign, idea)
    assert not PointsEntry.objects.exists()
    with pytest.raises(UserError) as caught:
        services.idea_points_award(actor=cast.office, idea=idea, points=5, reason="奖励")
    assert caught.value.code == "anonymous"


def test_public_submission_shows_similar_ideas_first(cast, citizen, idea):
    data = {"title": "建议开办社区长者食堂", "category": "livelihood", "text": TEXT, "town": cast.unit_a.pk}
    response = citizen.post("/public/ideas/new/", data)
    assert response.status_code == 409 and "开办社区长者食堂" in response.content.decode()
    response = citizen.post("/public/ideas/new/", {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302 and "code=" in response["Location"]


def test_staff_pages(cast, client_for, campaign, idea):
    client = client_for(cast.office)
    assert 'id="row-count">1<' in client.get("/ideas/").content.decode()
    detail = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert "赵*" in detail and "136****6666" in detail and "开始评估" in detail
    client.post(f"/ideas/{idea.pk}/evaluate/")
    response = client.post(f"/ideas/{idea.pk}/accept/", {
        "answer": "采纳", "campaign": campaign.pk, "lead_unit": cast.unit_a.pk, "deadline": "2023-09-30",
        "milestones": "制定方案 2023-04-30\n试点运行 2023-08-31", "points": 10})
    assert response.status_code == 302
    assert Idea.objects.get(pk=idea.pk).task.milestones.count() == 2
    viewer = client_for(cast.viewer_a)
    assert viewer.get(f"/ideas/{idea.pk}/").status_code == 200
    assert viewer.post(f"/ideas/{idea.pk}/reject/", {"answer": "x"}).status_code == 403
    assert client_for(cast.system_admin).get("/ideas/").status_code == 403


def test_bad_milestone_lines_are_named(cast, client_for, campaign, idea):
    client = client_for(cast.office)
    client.post(f"/ideas/{idea.pk}/evaluate/")
    response = client.post(f"/ideas/{idea.pk}/accept/", {
        "answer": "采纳", "campaign": campaign.pk, "lead_unit": cast.unit_a.pk, "deadline": "2023-09-30",
        "milestones": "制定方案 下个月", "points": 10})
    assert response.status_code == 400 and "第1行须以日期结尾" in response.content.decode()


def test_idea_api(cast, api_for, campaign, idea):
    api = api_for(cast.editor_a)
    created = api.post("/api/v1/ideas/", {"title": "村级快递驿站", "text": "在各村超市设快递点。",
                                          "category": "rural"}, format="json")
    assert created.status_code == 201
    assert api.post(f"/api/v1/ideas/{idea.pk}/evaluate/").status_code == 403
    office = api_for(cast.office)
    assert office.post(f"/api/v1/ideas/{idea.pk}/evaluate/").json()["state"] == "evaluating"
    response = office.post(f"/api/v1/ideas/{idea.pk}/accept/", {
        "answer": "采纳", "campaign": campaign.pk, "lead_unit": cast.unit_a.pk, "deadline": "2023-09-30",
        "milestones": [{"title": "方案", "planned_date": "2023-05-31"}]}, format="json")
    assert response.status_code == 200 and response.json()["task"]
    assert api.get(f"/api/v1/ideas/{idea.pk}/").json()["proposer_name"] == "赵*"


def test_the_adopted_task_is_led_by_the_units_overseeing_leader_unless_one_is_named(cast, campaign, idea):
    cast.leader.person.is_city_leader = True
    cast.leader.person.save()
    cast.leader.person.oversees.add(cast.unit_a)
    task = _accept(cast, campaign, idea, indicator="长者食堂", indicator_unit="个", target_value="3").task
    assert task.lead_leader == cast.leader.person
    assert (task.indicator, task.indicator_unit, task.target_value) == ("长者食堂", "个", 3)


def test_a_named_leader_leads_the_adopted_task(cast, campaign, idea):
    other = cast.office.person
    other.is_city_leader = True
    other.save()
    cast.leader.person.oversees.add(cast.unit_a)
    assert _accept(cast, campaign, idea, lead_leader=other).task.lead_leader == other


def test_the_accept_page_offers_leader_and_target(cast, campaign, idea, client_for):
    services.idea_evaluate(actor=cast.office, idea=idea)
    html = client_for(cast.office).get(f"/ideas/{idea.pk}/").content.decode()
    for name in ("lead_leader", "indicator", "indicator_unit", "target_value"):
        assert f'name="{name}"' in html, name
