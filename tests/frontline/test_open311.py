"""Open311 GeoReport v2 (the GeoReport v2 specification) driven in both formats, as a public client and an API-key holder
would, including the exact calls of the `georeport` PyPI client (GET-only: services, definition, requests)."""

import json
from datetime import date
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client

from gongjian.frontline import services
from gongjian.frontline.models import Ticket

pytestmark = pytest.mark.django_db
ROOT = "/open311/v2"


@pytest.fixture
def api_key(cast):
    _, raw = services.open311_key_create(actor=cast.system_admin, name="爱莱西APP")
    return raw


@pytest.fixture
def client():
    return Client()


def _post(client, fmt: str, data: dict):
    return client.post(f"{ROOT}/requests.{fmt}", urlencode(data, doseq=True),
                       content_type="application/x-www-form-urlencoded")


def _xml(response) -> ElementTree.Element:
    assert response["Content-Type"].startswith("text/xml")
    return fromstring(response.content)


def _errors(response, fmt: str) -> list[dict]:
    if fmt == "json":
        return response.json()
    return [{"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in _xml(response).findall("error")]


def _request_data(api_key, **extra):
    data = {"api_key": api_key, "service_code": "complaint", "lat": "36.8889", "long": "120.5100",
            "description": "水集街道威海路夜间施工噪音很大", "first_name": "伟", "last_name": "王",
            "phone": "13912345678", "email": "wang@example.com", "attribute[repeat]": "no", "device_id": "dev-1"}
    data.update(extra)
    return data


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery(client, categories, fmt):
    response = client.get(f"{ROOT}/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        endpoint = body["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"].endswith("/open311/v2/") and "text/xml" in endpoint["formats"]
        assert body["changeset"] and body["key_service"]
    else:
        root = _xml(response)
        assert root.tag == "discovery"
        assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_list_and_definition(client, categories, fmt):
    services_response = client.get(f"{ROOT}/services.{fmt}")
    definition = client.get(f"{ROOT}/services/complaint.{fmt}")
    if fmt == "json":
        listed = {s["service_code"]: s for s in services_response.json()}
        assert listed["complaint"]["metadata"] is True and listed["help"]["metadata"] is False
        assert listed["complaint"]["type"] == "realtime" and listed["complaint"]["service_name"] == "投诉"
        attribute = definition.json()["attributes"][0]
        assert (attribute["code"], attribute["datatype"], attribute["required"]) == ("repeat", "singlevaluelist", True)
        assert attribute["values"] == [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]
    else:
        root = _xml(services_response)
        assert root.tag == "services" and {s.findtext("service_code") for s in root} >= {"complaint", "help"}
        assert root.find("service/metadata").text in ("true", "false")
        definition_root = _xml(definition)
        assert definition_root.tag == "service_definition"
        assert definition_root.findtext("attributes/attribute/code") == "repeat"
        assert [v.findtext("name") for v in definition_root.findall("attributes/attribute/values/value")] == ["是",
                                                                                                              "否"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_a_ticket_and_get_returns_no_personal_data(client, categories, api_key, today, fmt):
    response = _post(client, fmt, _request_data(api_key))
    assert response.status_code == 200, response.content
    created = response.json()[0] if fmt == "json" else {e.tag: e.text for e in _xml(response).find("request")}
    ticket = Ticket.objects.get(code=created["service_request_id"])
    assert (ticket.source, ticket.contact_name, ticket.contact_phone) == ("open311", "王 伟", "13912345678")
    assert ticket.attributes == {"repeat": "no"} and ticket.lat == pytest.approx(36.8889)
    token = client.get(f"{ROOT}/tokens/{created['token']}.{fmt}")
    assert ticket.code in token.content.decode()
    for url in (f"{ROOT}/requests/{ticket.code}.{fmt}", f"{ROOT}/requests.{fmt}",
                f"{ROOT}/servicerequestupdates.{fmt}"):
        body = client.get(url).content.decode()
        for secret in ("13912345678", "王", "wang@example.com", "dev-1"):
            assert secret not in body, (url, secret)
    assert ticket.code in client.get(f"{ROOT}/requests.{fmt}").content.decode()


def test_request_record_maps_unit_deadline_and_public_reply(cast, client, categories, make_ticket):
    ticket = make_ticket("电话13911112222，噪音扰民", category="complaint", attributes={"repeat": "no"})
    services.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    services.ticket_sign(actor=cast.editor_a, ticket=ticket)
    services.ticket_reply(actor=cast.editor_a, ticket=ticket, reply="已责令停工整改")
    record = client.get(f"{ROOT}/requests/{ticket.code}.json").json()
    assert len(record) == 1
    record = record[0]
    assert record["agency_responsible"] == "姜山镇" and record["status"] == "open"
    assert record["status_notes"] == "已责令停工整改" and record["service_code"] == "complaint"
    assert record["expected_datetime"] == "2023-03-22T23:59:59+08:00"
    assert record["requested_datetime"].endswith("+08:00") and "139****2222" in record["description"]
    updates = client.get(f"{ROOT}/servicerequestupdates.json?service_request_id={ticket.code}").json()
    assert [u["description"] for u in updates][-1] == "已责令停工整改"


def test_get_filters(cast, client, categories, make_ticket, settings):
    first = make_ticket("第一件", category="help")
    second = make_ticket("第二件", category="complaint", attributes={"repeat": "yes"})
    services.ticket_merge(actor=cast.office, ticket=second, into=first)

    def codes(query: str) -> set[str]:
        return {r["service_request_id"] for r in client.get(f"{ROOT}/requests.json?{query}").json()}

    assert codes("") == {first.code, second.code}
    assert codes("service_code=complaint") == {second.code}
    assert codes("status=closed") == {second.code}
    assert codes("status=open") == {first.code}
    assert codes(f"service_request_id={first.code},NOPE&status=closed") == {first.code}
    assert codes("start_date=2023-03-02T00:00:00%2B08:00&end_date=2023-03-31T00:00:00Z") == set()
    assert codes("start_date=2023-02-01T00:00:00+08:00") == {first.code, second.code}
    settings.GONGJIAN_TODAY = date(2023, 7, 1)
    assert codes("") == set()  # the default window is the last 90 days


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_api_key_is_403(client, categories, api_key, fmt):
    for data in (_request_data("wrong"), _request_data(""), {k: v for k, v in _request_data(api_key).items()
                                                             if k != "api_key"}):
        response = _post(client, fmt, data)
        assert response.status_code == 403
        assert _errors(response, fmt)[0]["code"] == 403
    assert not Ticket.objects.exists()


def test_revoked_key_is_403(cast, client, categories, api_key):
    from gongjian.frontline.models import Open311Key

    services.open311_key_revoke(actor=cast.system_admin, key=Open311Key.objects.get())
    assert _post(client, "json", _request_data(api_key)).status_code == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_codes_are_404(client, categories, api_key, fmt):
    for response in (client.get(f"{ROOT}/services/nope.{fmt}"), client.get(f"{ROOT}/requests/NOPE.{fmt}"),
                     client.get(f"{ROOT}/tokens/nope.{fmt}"),
                     _post(client, fmt, _request_data(api_key, service_code="nope")),
                     client.get(f"{ROOT}/services.{fmt}?jurisdiction_id=elsewhere.gov")):
        assert response.status_code == 404
        errors = _errors(response, fmt)
        assert errors[0]["code"] == 404 and errors[0]["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("change", "words"), [
    ({"service_code": ""}, "service_code"),
    ({"lat": "", "long": ""}, "位置"),
    ({"lat": "north"}, "坐标"),
    ({"lat": "36.9", "long": ""}, "经度"),
    ({"description": "长" * 4001}, "description"),
    ({"attribute[repeat]": ""}, "是否重复反映"),
    ({"attribute[repeat]": "maybe"}, "选项无效"),
    ({"email": "not-an-email"}, "电子邮箱"),
    ({"media_url": "javascript:alert(1)"}, "图片链接"),
])
def test_other_bad_input_is_400_with_code_and_description(client, categories, api_key, fmt, change, words):
    response = _post(client, fmt, _request_data(api_key, **change))
    assert response.status_code == 400
    errors = _errors(response, fmt)
    assert errors[0]["code"] == 400 and words in errors[0]["description"]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("query", ["start_date=yesterday", "start_date=2023-01-01T00:00:00Z&end_date=2023-06-01T00:00:00Z",
                                   "status=pending", "start_date=2023-03-02T00:00:00Z&end_date=2023-03-01T00:00:00Z"])
def test_bad_get_filters_are_400(client, categories, query):
    response = client.get(f"{ROOT}/requests.xml?{query}")
    assert response.status_code == 400 and _errors(response, "xml")[0]["code"] == 400


def test_address_alone_is_a_location(client, categories, api_key):
    data = _request_data(api_key, lat="", long="", address_string="莱西市水集街道威海路185号")
    assert _post(client, "json", data).status_code == 200
    assert Ticket.objects.get().address == "莱西市水集街道威海路185号"


def test_unsupported_format_and_method(client, categories):
    assert client.get(f"{ROOT}/services.csv").status_code == 400
    response = client.delete(f"{ROOT}/services.json")
    assert response.status_code == 405 and "GET" in response["Allow"]


def test_post_needs_no_csrf_token_but_the_key(categories, api_key):
    strict = Client(enforce_csrf_checks=True)
    assert _post(strict, "json", _request_data(api_key)).status_code == 200


def test_the_georeport_client_requests(client, cast, categories, make_ticket):
    """What `georeport` 0.3.1 (PyPI) sends and reads: GET {root}/services.{fmt}, services/{code}.{fmt},
    requests.{fmt} with its parameters and requests/{id}.{fmt}; JSON via response.json(), XML via
    xmltodict.parse(...)['services']['service'] / ['service_definition'] / ['service_requests']['request']."""
    ticket = make_ticket()
    params = {"jurisdiction_id": "laixi.gov.cn"}
    listed = client.get(f"{ROOT}/services.json", params)
    assert listed.status_code == 200 and isinstance(listed.json(), list)
    assert _xml(client.get(f"{ROOT}/services.xml", params)).tag == "services"
    assert client.get(f"{ROOT}/services/complaint.json", params).json()["service_code"] == "complaint"
    assert _xml(client.get(f"{ROOT}/services/complaint.xml", params)).tag == "service_definition"
    query = {"service_request_id": ticket.code, "service_code": "help", "status": "open", **params}
    assert client.get(f"{ROOT}/requests.json", query).json()[0]["service_request_id"] == ticket.code
    assert _xml(client.get(f"{ROOT}/requests.xml", query)).find("request/service_request_id").text == ticket.code
    assert client.get(f"{ROOT}/requests/{ticket.code}.json", params).json()[0]["service_request_id"] == ticket.code
    root = _xml(client.get(f"{ROOT}/requests/{ticket.code}.xml", params))
    assert root.tag == "service_requests" and root.find("request/status").text == "open"
    json.dumps(listed.json())  # plain JSON types only
