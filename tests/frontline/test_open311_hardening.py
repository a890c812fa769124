"""Open311 and the public pages under attack: rate limits per key and per address in the Open311 error format,
oversize bodies answered in that format too, every JSON document valid against the GeoReport v2 schemas the Open311
project publishes, e-mail addresses masked, and locations generalised for tickets a citizen did not publish."""

import json
from pathlib import Path
from urllib.parse import urlencode

import jsonschema_rs
import pytest
from django.test import Client

from gongjian.frontline import services
from gongjian.frontline.models import Ticket

pytestmark = pytest.mark.django_db
ROOT = "/open311/v2"
SCHEMAS = Path(__file__).parent / "open311_schema"


def _validator(name: str):
    def retrieve(uri: str):
        return json.loads((SCHEMAS / uri.rsplit("/", 1)[-1]).read_text())

    schema = json.loads((SCHEMAS / name).read_text())
    return jsonschema_rs.validator_for(schema, retriever=retrieve, validate_formats=True,
                                       base_uri="https://open311.example/schema/georeport-v2/")


@pytest.fixture
def api_key(cast):
    return services.open311_key_create(actor=cast.system_admin, name="爱莱西APP")[1]


def _post(client, data, **extra):
    return client.post(f"{ROOT}/requests.json", urlencode(data), content_type="application/x-www-form-urlencoded",
                       **extra)


def _data(api_key, **extra):
    return {"api_key": api_key, "service_code": "complaint", "lat": "36.8889", "long": "120.5100",
            "description": "水集街道威海路夜间施工噪音很大", "attribute[repeat]": "no", **extra}


def _is_open311_error(response, code):
    body = response.json()
    return isinstance(body, list) and body[0]["code"] == code and body[0]["description"]


def test_posts_with_one_key_are_rate_limited(cast, categories, api_key, settings):
    settings.OPEN311_RATE_PER_KEY = 5
    settings.OPEN311_RATE_PER_ADDRESS = 1000
    for i in range(5):
        assert _post(Client(REMOTE_ADDR=f"10.0.0.{i}"), _data(api_key)).status_code == 200
    refused = _post(Client(REMOTE_ADDR="10.0.1.1"), _data(api_key))
    assert refused.status_code == 429 and _is_open311_error(refused, 429)
    assert refused.has_header("Retry-After")


def test_bad_key_posts_from_one_address_are_rate_limited(cast, categories, api_key, settings):
    settings.OPEN311_RATE_PER_ADDRESS = 5
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        assert _post(client, _data("not-a-key")).status_code == 403
    refused = _post(client, _data(api_key))
    assert refused.status_code == 429 and _is_open311_error(refused, 429)
    assert _post(Client(REMOTE_ADDR="10.0.0.10"), _data(api_key)).status_code == 200


def test_oversize_body_gets_an_open311_error(cast, categories, api_key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = _post(Client(), _data(api_key, description="很" * 4000))
    assert response.status_code == 413 and _is_open311_error(response, 413)
    assert response["Content-Type"].startswith("application/json")


def test_json_documents_validate_against_the_georeport_schemas(cast, categories, api_key, make_ticket):
    make_ticket(source=Ticket.Source.PHONE, address="姜山镇前垛埠村12号", lat=36.8712345, lng=120.4512345)
    _post(Client(), _data(api_key, media_url="https://img.example/a.jpg"))
    _post(Client(), _data(api_key))
    client = Client()
    requests = client.get(f"{ROOT}/requests.json").json()
    assert len(requests) == 3
    errors = list(_validator("requests.json").iter_errors(requests))
    assert errors == []
    one = client.get(f"{ROOT}/requests/{requests[0]['service_request_id']}.json").json()
    assert list(_validator("requests.json").iter_errors(one)) == []
    assert list(_validator("services.json").iter_errors(client.get(f"{ROOT}/services.json").json())) == []
    definition = client.get(f"{ROOT}/services/complaint.json").json()
    assert list(_validator("service-definition.json").iter_errors(definition)) == []


def test_the_schema_catches_an_empty_media_url():
    """The vendored schema must be able to fail: the defect the demo had (media_url "") is invalid."""
    document = [{"service_request_id": "A", "status": "open", "service_code": "x",
                 "requested_datetime": "2023-03-01T09:00:00+08:00", "media_url": ""}]
    assert list(_validator("requests.json").iter_errors(document)) != []


def test_emails_are_masked_in_open311_and_on_the_tracking_page(cast, make_ticket):
    ticket = make_ticket("楼下噪音扰民，请回复到 wangwei.home@example.com 谢谢")
    body = Client().get(f"{ROOT}/requests/{ticket.code}.json").content.decode()
    assert "wangwei.home@example.com" not in body and "w***@example.com" in body
    page = Client().get("/public/tickets/track/", {"code": ticket.code}).content.decode()
    assert "wangwei.home@example.com" not in page and "w***@example.com" in page


@pytest.mark.parametrize("source", [Ticket.Source.PHONE, Ticket.Source.GRID])
def test_locations_of_tickets_a_citizen_did_not_publish_are_generalised(cast, categories, today, grid_cell, source):
    actor = grid_cell.worker if source == Ticket.Source.GRID else cast.office
    extra = {"grid": grid_cell} if source == Ticket.Source.GRID else {}
    ticket = services.ticket_create(actor=actor, category=categories["help"], text="路灯不亮", source=source,
                                    town=cast.unit_a, address="姜山镇前垛埠村12号", lat=36.8712345, lng=120.4512345,
                                    **extra)
    record = Client().get(f"{ROOT}/requests/{ticket.code}.json").json()[0]
    assert record["lat"] == 36.87 and record["long"] == 120.45
    assert "12号" not in (record["address"] or "") and record["address"] == "姜山镇"


def test_a_citizen_published_location_keeps_its_address(cast, categories, api_key):
    response = _post(Client(), _data(api_key, address_string="水集街道威海路8号", lat="36.8889123", long="120.5100123"))
    code = response.json()[0]["service_request_id"]
    record = Client().get(f"{ROOT}/requests/{code}.json").json()[0]
    assert record["address"] == "水集街道威海路8号"
    assert record["lat"] == 36.8889 and record["long"] == 120.51
