import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [("audit_admin", "/audit/"), ("security_admin", "/org/users/"), ("system_admin", "/org/units/")],
)
def test_administrators_land_on_their_own_page(cast, client_for, who, lands_on):
    client = client_for(getattr(cast, who))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == lands_on
    assert client.get(lands_on).status_code == 200


@pytest.mark.parametrize("who", ["editor_a", "viewer_a", "office", "leader", "outsider_b"])
def test_administrator_pages_forbidden_to_others(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get("/audit/").status_code == 403
    assert client.get("/org/users/").status_code == 403


def test_audit_admin_cannot_see_user_management(cast, client_for):
    assert client_for(cast.audit_admin).get("/org/users/").status_code == 403


def test_unit_search_by_pinyin_initials(cast, client_for):
    response = client_for(cast.viewer_a).get("/org/units/search/", {"q": "fgj"})
    assert [r["name"] for r in response.json()["results"]] == ["发改局"]


def test_leader_search_by_pinyin_initials(cast, client_for):
    response = client_for(cast.viewer_a).get("/org/leaders/search/", {"q": "cwfsz"})
    assert [r["name"] for r in response.json()["results"]] == ["常务副市长"]
    assert client_for(cast.viewer_a).get("/org/leaders/search/", {"q": "fgj"}).json()["results"] == []


def test_api_token_authentication(cast):
    import io

    from django.core.management import call_command
    from django.test import Client

    out = io.StringIO()
    call_command("api-token", "viewer_a", stdout=out)
    token = out.getvalue().strip()
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["roles"] == ["unit_viewer"]
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401
