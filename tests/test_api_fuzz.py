"""API fuzzing: schemathesis generates requests from our OpenAPI document and sends them to the app in-process.
For every operation and role: no server error, every documented response matches its schema, and no operation
answers without authentication."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import ignored_auth, not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

APP = get_wsgi_application()


def _schema(*, coverage: bool):
    config = SchemathesisConfig()
    config.projects.default.phases.coverage.enabled = coverage
    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True), config=config)
    # Every request, including the unauthenticated replays of the ignored-auth check, goes to the app in-process.
    loaded.app = APP
    return loaded


# The office's run walks schemathesis's coverage phase (boundary values of every parameter and body field); the unit
# editor's run checks the same operations for what its role may do, with generated examples only — its boundary
# cases would repeat the office's and double the suite's longest module.
schema = _schema(coverage=True)
editor_schema = _schema(coverage=False)
CHECKS = [not_a_server_error, response_schema_conformance, ignored_auth]
FUZZ = settings(max_examples=3, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])


@pytest.fixture
def tokens(cast, campaign, task_a):
    from gongjian.org.services import token_create

    return {who: token_create(actor=None, user=getattr(cast, who), name="fuzz")[1] for who in ("office", "editor_a")}


@pytest.mark.fuzz
@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_api_as_the_supervision_office(case, tokens):
    response = case.call(headers={"Authorization": f"Token {tokens['office']}"})
    case.validate_response(response, checks=CHECKS, headers={"Authorization": f"Token {tokens['office']}"})


@pytest.mark.fuzz
@pytest.mark.django_db
@editor_schema.parametrize()
@FUZZ
def test_api_as_a_unit_editor(case, tokens):
    response = case.call(headers={"Authorization": f"Token {tokens['editor_a']}"})
    case.validate_response(response, checks=CHECKS, headers={"Authorization": f"Token {tokens['editor_a']}"})


HUGE = "9223372036854775808"
SPEC = SchemaGenerator().get_schema(request=None, public=True)


def _integer_parameters():
    """(path, parameter) for every integer query or path parameter of every GET operation in the document."""
    for path, item in SPEC["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        for parameter in operation.get("parameters", []):
            if parameter.get("schema", {}).get("type") == "integer" and parameter["in"] in ("query", "path"):
                yield path, parameter["name"], parameter["in"]


INTEGER_PARAMETERS = sorted(set(_integer_parameters()))


def test_the_document_has_paging_and_integer_parameters_to_check():
    assert sum(1 for _, name, _ in INTEGER_PARAMETERS if name == "limit") >= 5
    assert any(where == "path" for _, _, where in INTEGER_PARAMETERS)


@pytest.mark.fuzz
@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name", "where"), INTEGER_PARAMETERS)
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "1e9", "x"])
def test_out_of_range_integers_never_cause_a_server_error(tokens, path, name, where, value):
    """The cases the attacker found (limit=2**63 answered 500), for every integer parameter of the API."""
    from django.test import Client

    url = path
    params = {}
    for _, other, other_where in INTEGER_PARAMETERS:
        if other_where == "path" and "{" + other + "}" in url:
            url = url.replace("{" + other + "}", value if other == name else "1")
    url = url.replace("{", "").replace("}", "")
    if where == "query":
        params[name] = value
    response = Client().get(url, params, HTTP_AUTHORIZATION=f"Token {tokens['office']}")
    assert response.status_code < 500, (url, params, response.status_code)
    if name in ("limit", "offset") and where == "query" and "{" not in path:
        assert response.status_code == 400
