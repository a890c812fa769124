"""API fuzzing: schemathesis generates requests from our OpenAPI document and sends them to the app in-process.
For every operation and role: no server error, every documented response matches its schema, and no operation
answers without authentication."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import ignored_auth, not_a_server_error, response_schema_conformance

APP = get_wsgi_application()
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
# Every request, including the unauthenticated replays of the ignored-auth check, goes to the app in-process.
schema.app = APP
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
@schema.parametrize()
@FUZZ
def test_api_as_a_unit_editor(case, tokens):
    response = case.call(headers={"Authorization": f"Token {tokens['editor_a']}"})
    case.validate_response(response, checks=CHECKS, headers={"Authorization": f"Token {tokens['editor_a']}"})
