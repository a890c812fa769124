"""One population behind every task total on screen: the cockpit, the campaign page, the leader's desk and the task
list count the same tasks (assigned onwards, not cancelled), and the card colours plus 未亮牌 add up to that total."""

import pytest

from gongjian.campaigns import selectors
from gongjian.campaigns import services as task_services
from gongjian.campaigns.access import tasks_visible_to
from gongjian.campaigns.models import Task
from tests.bulletins.conftest import build_march

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(cast, campaign, settings):
    world = build_march(cast, campaign, settings)
    cancelled = task_services.task_create(actor=cast.office, campaign=campaign, title="已撤销的任务",
                                          lead_unit=cast.unit_a, start=campaign.start, deadline=campaign.end,
                                          lead_leader=cast.leader.person)
    task_services.task_assign(actor=cast.office, task=cancelled)
    task_services.task_transition(actor=cast.office, task=cancelled, to=Task.Status.CANCELLED,
                                  reason="并入其他任务", on=campaign.start)
    return world


def test_cockpit_colours_and_no_card_add_up_to_the_total(march, client_for):
    data = client_for(march.cast.office).get("/cockpit/data.json").json()
    totals = data["colors"]["totals"]
    assert totals["no_card"]["n"] > 0  # the completed task carries no card
    assert sum(totals[c]["n"] for c in ("red", "yellow", "green", "no_card")) == data["tasks"]["total"]["n"]
    rows = client_for(march.cast.office).get(totals["no_card"]["url"])
    assert rows.context["count"] == totals["no_card"]["n"]
    assert march.done in rows.context["page"].object_list


def test_every_page_counts_the_same_tasks(march, client_for):
    office = client_for(march.cast.office)
    cockpit = office.get("/cockpit/data.json").json()
    total = cockpit["tasks"]["total"]["n"]
    in_campaign = Task.objects.filter(campaign=march.campaign)
    assert in_campaign.filter(status=Task.Status.DRAFT).exists()
    assert in_campaign.filter(status=Task.Status.CANCELLED).exists()
    assert total == in_campaign.exclude(status__in=(Task.Status.DRAFT, Task.Status.CANCELLED)).count()

    page = office.get(f"/campaigns/{march.campaign.pk}/")
    assert page.context["numbers"]["total"] == total
    assert f'data-count="{total}">{total}</a> 项（不含草稿、已撤销）' in page.content.decode()
    listed = office.get(cockpit["tasks"]["total"]["url"])
    assert listed.context["count"] == total
    assert "不含草稿、已撤销" in listed.content.decode()
    # The four statuses stay chosen when the viewer changes another filter and submits again.
    assert 'name="status" id="id_status" class="form-select form-select-sm" multiple' in listed.content.decode()
    assert "（含督办事项、草稿、已撤销）" in office.get("/tasks/").content.decode()
    for c in ("red", "yellow", "green"):
        assert page.context["numbers"][c] == cockpit["colors"]["totals"][c]["n"]
    assert page.context["numbers"]["no_card"] == cockpit["colors"]["totals"]["no_card"]["n"]


def test_the_leaders_desk_counts_what_the_cockpit_calls_theirs(march, client_for):
    leader = client_for(march.cast.leader)
    mine = leader.get("/cockpit/data.json").json()["mine"]
    desk = leader.get("/desk/")
    numbers = desk.context["numbers"]
    assert numbers["total"] == mine["tasks"]["n"] > 0
    assert not any(t.status == Task.Status.CANCELLED for t in desk.context["tasks"])
    assert {c: numbers[c] for c in ("red", "yellow", "green")} == {c: mine["colors"][c]["n"]
                                                                    for c in ("red", "yellow", "green")}
    assert sum(numbers[c] for c in ("red", "yellow", "green", "no_card")) == numbers["total"]
    assert leader.get(mine["tasks"]["url"]).context["count"] == numbers["total"]


def test_task_totals_on_a_queryset(march):
    numbers = selectors.task_totals(Task.objects.filter(campaign=march.campaign), on=march.campaign.start)
    assert numbers["completed"] == 1
    assert numbers["total"] == numbers["red"] + numbers["yellow"] + numbers["green"] + numbers["no_card"]


def test_a_unit_sees_its_own_share_said_so(march, client_for):
    page = client_for(march.cast.editor_a).get(f"/campaigns/{march.campaign.pk}/")
    assert page.status_code == 200
    own = selectors.counted_tasks(tasks_visible_to(march.cast.editor_a).filter(campaign=march.campaign)).count()
    assert 0 < own < selectors.counted_tasks(Task.objects.filter(campaign=march.campaign)).count()
    assert page.context["numbers"]["total"] == own
    assert "本单位牵头或配合的攻坚任务" in page.content.decode()
    office = client_for(march.cast.office).get(f"/campaigns/{march.campaign.pk}/").content.decode()
    assert "本单位牵头或配合的" not in office
