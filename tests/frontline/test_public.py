"""Citizen pages without login: intake from a phone, rate limit, tracking without anyone's personal data."""

import pytest
from django.core.cache import cache
from django.test import Client

from gongjian.frontline import services
from gongjian.frontline.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _submit(client, **extra):
    data = {"category_code": "help", "text": "家里老人独居，房屋漏雨，请帮忙修缮", "town": extra.pop("town"),
            "contact_name": "李四", "contact_phone": "13700001234", **extra}
    return client.post("/public/tickets/new/?category=help", data)


def test_citizen_submits_and_gets_a_tracking_code(cast, citizen, categories, today):
    page = citizen.get("/public/tickets/new/")
    assert page.status_code == 200 and "求助" in page.content.decode() and 'name="viewport"' in page.content.decode()
    form = citizen.get("/public/tickets/new/?category=help").content.decode()
    assert "使用当前位置" in form and "csrfmiddlewaretoken" in form
    response = _submit(citizen, town=cast.unit_a.pk, lat="36.8700", lng="120.5200")
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and ticket.code in response["Location"]
    assert (ticket.source, ticket.lat, ticket.reporter) == ("web", 36.87, None)
    track = citizen.get(response["Location"]).content.decode()
    assert ticket.code in track and "已受理" in track


def test_tracking_shows_status_and_replies_but_no_personal_data(cast, citizen, categories, make_ticket):
    ticket = make_ticket("路灯坏了，我的电话13900001111")
    services.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    services.ticket_sign(actor=cast.editor_a, ticket=ticket)
    services.ticket_reply(actor=cast.editor_a, ticket=ticket, reply="已修复，感谢反映。")
    html = citizen.get(f"/public/tickets/track/?code={ticket.code.lower()}").content.decode()
    assert "已答复" in html and "已修复，感谢反映。" in html and "姜山镇" in html
    for secret in ("张三丰", "张*", "13812345678", "13900001111", "姜山镇督查专员", "editor_a"):
        assert secret not in html, secret
    assert "139****1111" in html


def test_unknown_code_is_404_with_a_message(citizen, categories):
    response = citizen.get("/public/tickets/track/?code=NOPE")
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_form_errors_name_the_field_and_keep_input(cast, citizen, categories):
    response = _submit(citizen, town=cast.unit_a.pk, contact_phone="not a phone")
    html = response.content.decode()
    assert response.status_code == 400 and "联系电话" in html and "家里老人独居" in html
    assert not Ticket.objects.exists()


def test_eleventh_submission_in_ten_minutes_gets_429(cast, citizen, categories):
    for _ in range(10):
        assert _submit(citizen, town=cast.unit_a.pk).status_code == 302
    response = _submit(citizen, town=cast.unit_a.pk)
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert Ticket.objects.count() == 10
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _submit(other, town=cast.unit_a.pk).status_code == 302


def test_csrf_stays_on_for_public_forms(cast, categories):
    client = Client(enforce_csrf_checks=True)
    assert _submit(client, town=cast.unit_a.pk).status_code == 403
    assert not Ticket.objects.exists()


def test_public_home_and_idea_pages_need_no_login(citizen):
    for url in ("/public/", "/public/ideas/new/", "/public/ideas/track/", "/public/tickets/track/"):
        assert citizen.get(url).status_code == 200, url
