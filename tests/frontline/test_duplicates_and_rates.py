"""疑似重复 (same category, ≤ 200 m or same address, 7 days, similar text) and the three rates per unit and month."""

from datetime import date

import pytest

from gongjian.frontline import selectors, services
from gongjian.frontline.models import Ticket

pytestmark = pytest.mark.django_db
LAMP = "姜山镇前垛埠村路灯不亮已经9天了，晚上出门黑漆漆的"


def test_near_and_similar_within_seven_days_is_a_suspected_duplicate(make_ticket, settings):
    first = make_ticket(LAMP, lat=36.8000, lng=120.4000)
    settings.GONGJIAN_TODAY = date(2023, 3, 6)
    second = make_ticket("前垛埠村路灯不亮已经十来天了，晚上出门黑漆漆的！", lat=36.8010, lng=120.4005)  # ~120 m
    found = selectors.duplicate_candidates(second)
    assert [d.ticket for d in found] == [first] and 100 < found[0].metres < 200 and found[0].score >= 0.5


def test_same_address_counts_without_coordinates(make_ticket):
    first = make_ticket(LAMP, address="莱西市姜山镇前垛埠村")
    second = make_ticket(LAMP, address="莱西市姜山镇前垛埠村")
    assert [d.ticket for d in selectors.duplicate_candidates(second)] == [first]
    assert selectors.duplicate_candidates(second)[0].metres is None


@pytest.mark.parametrize("change", ["far", "late", "other_category", "other_text"])
def test_not_a_duplicate(make_ticket, settings, change):
    first = make_ticket(LAMP, lat=36.8000, lng=120.4000)
    fields = {"lat": 36.8000, "lng": 120.4000}
    text, category = LAMP, "help"
    if change == "far":
        fields["lat"] = 36.8030  # ~330 m north
    elif change == "late":
        settings.GONGJIAN_TODAY = date(2023, 3, 9)
    elif change == "other_category":
        category = "consultation"
    else:
        text = "村里有人焚烧秸秆，浓烟很大"
    second = make_ticket(text, category=category, **fields)
    assert first not in [d.ticket for d in selectors.duplicate_candidates(second)]


def test_duplicate_is_offered_for_merge_on_the_page(cast, client_for, make_ticket):
    first = make_ticket(LAMP, address="莱西市姜山镇前垛埠村")
    second = make_ticket(LAMP, address="莱西市姜山镇前垛埠村")
    client = client_for(cast.office)
    html = client.get(f"/tickets/{second.pk}/").content.decode()
    assert "疑似重复" in html and first.code in html
    response = client.post(f"/tickets/{second.pk}/merge/", {"into": first.pk})
    assert response["Location"] == f"/tickets/{first.pk}/"
    assert Ticket.objects.get(pk=second.pk).state == "merged"


def test_three_rates_per_unit_for_a_month(cast, make_ticket, settings):
    def lifecycle(*, sign_on: date, satisfaction: str, resolved: bool, returned: bool = False):
        settings.GONGJIAN_TODAY = date(2023, 3, 1)
        ticket = services.ticket_assign(actor=cast.office, ticket=make_ticket(), unit=cast.unit_a)
        if returned:
            request = services.ticket_return_request(actor=cast.editor_a, ticket=ticket, reason="不属本镇")
            services.request_decide(actor=cast.office, request=request, approve=True)
            return
        settings.GONGJIAN_TODAY = sign_on
        services.ticket_sign(actor=cast.editor_a, ticket=ticket)
        services.ticket_reply(actor=cast.editor_a, ticket=ticket, reply="已办理")
        services.ticket_visit(actor=cast.office, ticket=ticket, resolved=resolved, satisfaction=satisfaction)

    lifecycle(sign_on=date(2023, 3, 2), satisfaction="satisfied", resolved=True)
    lifecycle(sign_on=date(2023, 3, 2), satisfaction="basic", resolved=True)
    lifecycle(sign_on=date(2023, 3, 6), satisfaction="unsatisfied", resolved=False)  # signed late
    lifecycle(sign_on=date(2023, 3, 2), satisfaction="satisfied", resolved=True, returned=True)
    rates = selectors.ticket_rates([cast.unit_a.pk, cast.unit_b.pk], date(2023, 3, 15))
    a = rates[cast.unit_a.pk]
    assert (a["assigned"], a["signed_on_time"], a["visited"], a["resolved"], a["satisfied"]) == (3, 2, 3, 2, 2)
    assert a["response_rate"] == pytest.approx(2 / 3) and a["satisfaction_rate"] == pytest.approx(2 / 3)
    assert rates[cast.unit_b.pk]["response_rate"] is None
    assert selectors.ticket_rates([cast.unit_a.pk], date(2023, 4, 1))[cast.unit_a.pk]["assigned"] == 0


def test_rates_api(cast, api_for, replied):
    services.ticket_visit(actor=cast.office, ticket=replied, resolved=True, satisfaction="satisfied")
    rows = api_for(cast.leader).get("/api/v1/ticket-rates/?month=2023-03").json()
    row = next(r for r in rows if r["unit"] == cast.unit_a.pk)
    assert (row["response_rate"], row["resolution_rate"], row["satisfaction_rate"]) == (1.0, 1.0, 1.0)
    assert [r["unit"] for r in api_for(cast.viewer_a).get("/api/v1/ticket-rates/?month=2023-03").json()] == [
        cast.unit_a.pk]
    bad = api_for(cast.office).get("/api/v1/ticket-rates/?month=March")
    assert bad.status_code == 400 and bad.json()["field"] == "month"
