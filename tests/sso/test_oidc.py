"""OpenID Connect sign-in against a real provider (oidc-provider-mock, an Authlib-based OP) in a second process:
discovery, code flow with state and nonce, the ID token's RS256 signature checked against the provider's keys, the
person mapped by subject, an unknown subject refused."""

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache

from gongjian.audit.models import AuditEvent
from gongjian.sso.services import identity_link

pytestmark = pytest.mark.django_db
SUBJECT = "370285198801010011@sd.gov.cn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider():
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the OpenID provider did not start"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def oidc(provider, settings, cast):
    cache.clear()
    settings.OIDC_ISSUER = provider
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "gongjian", "client-secret"
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "gongjian.sso.oidc.Backend"]
    identity_link(actor=None, person=cast.editor_a.person, issuer=provider, subject=SUBJECT)
    yield provider
    cache.clear()


def _code_flow(client, subject: str):
    """Our start page → the provider's authorization page, where the person is `subject` → back to us."""
    start = client.get("/sso/oidc/")
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(f"{client.provider}/oauth2/authorize?") and "nonce=" in authorize
    answer = requests.post(authorize, data={"sub": subject}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    callback = answer.headers["Location"]
    assert callback.startswith("http://testserver/sso/oidc/callback/?") and "code=" in callback
    return client.get(callback.removeprefix("http://testserver"))


def test_a_registered_subject_signs_in(oidc, cast, client):
    client.provider = oidc
    response = _code_flow(client, SUBJECT)
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == cast.editor_a.pk
    assert "login_at" in client.session
    assert client.get("/dispatch/").status_code == 200
    event = AuditEvent.objects.filter(event="login").latest("id")
    assert event.actor_id == cast.editor_a.pk and event.changes == {"via": "oidc"}


def test_signing_out_ends_the_providers_session_too(oidc, cast, client, settings):
    """RP-initiated logout: our session ends, then the provider's end_session_endpoint gets the ID token we were
    given and sends the person back to our sign-in page."""
    settings.SITE_URL = "http://testserver"
    client.provider = oidc
    _code_flow(client, SUBJECT)
    response = client.post("/logout/")
    assert response.status_code == 302
    endpoint, _, query = response["Location"].partition("?")
    assert endpoint == f"{oidc}/oauth2/end_session"
    params = dict(urllib.parse.parse_qsl(query))
    assert params["post_logout_redirect_uri"] == "http://testserver/login/" and params["client_id"] == "gongjian"
    claims = jwt.decode(params["id_token_hint"], options={"verify_signature": False})
    assert claims["sub"] == SUBJECT and claims["aud"] in ("gongjian", ["gongjian"])
    assert "_auth_user_id" not in client.session and client.get("/dispatch/").status_code == 302
    assert AuditEvent.objects.filter(event="logout", actor_id=cast.editor_a.pk).exists()
    # The provider asks the person to confirm, then returns them to us.
    form = requests.get(response["Location"], timeout=10)
    assert form.status_code == 200
    back = requests.post(f"{oidc}/oauth2/end_session/confirm", allow_redirects=False, timeout=10,
                         data={"redirect_uri": params["post_logout_redirect_uri"]})
    assert back.status_code == 302 and back.headers["Location"] == "http://testserver/login/"


def test_a_password_sign_in_signs_out_here_only(oidc, cast, client):
    client.force_login(cast.editor_a)
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_sign_out_without_a_reachable_provider_still_signs_out(oidc, cast, client, settings):
    client.provider = oidc
    _code_flow(client, SUBJECT)
    cache.clear()
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens: the discovery document cannot be read
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_an_unknown_subject_is_refused(oidc, client):
    client.provider = oidc
    response = _code_flow(client, "someone-else@sd.gov.cn")
    assert response.status_code == 302 and response["Location"] == "/sso/oidc/failed/"
    assert "_auth_user_id" not in client.session
    page = client.get("/sso/oidc/failed/")
    assert page.status_code == 403 and "未能通过统一身份认证登录" in page.content.decode()
    failed = AuditEvent.objects.filter(event="login.failed").latest("id")
    assert failed.actor_name.startswith("som***") and "someone-else" not in failed.actor_name


def test_a_disabled_account_is_refused_even_with_a_valid_identity(oidc, cast, client):
    cast.editor_a.is_active = False
    cast.editor_a.save()
    client.provider = oidc
    response = _code_flow(client, SUBJECT)
    assert "_auth_user_id" not in client.session and response["Location"] == "/sso/oidc/failed/"


def test_an_id_token_signed_with_another_key_is_refused(oidc, client):
    """The provider's JWKS is replaced by a stranger's key: the genuine token no longer verifies."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    real = requests.get(f"{oidc}/jwks", timeout=5).json()["keys"][0]
    jwk.update({"kid": real.get("kid", "k"), "alg": "RS256", "use": "sig"})

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = json.dumps({"keys": [jwk]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        document = requests.get(f"{oidc}/.well-known/openid-configuration", timeout=5).json()
        document["jwks_uri"] = f"http://127.0.0.1:{server.server_address[1]}/jwks"
        cache.set(f"sso:oidc-discovery:{oidc}", document, 60)
        client.provider = oidc
        response = _code_flow(client, SUBJECT)
        assert response.status_code in (400, 403) or response["Location"] == "/sso/oidc/failed/"
        assert "_auth_user_id" not in client.session
    finally:
        server.shutdown()


def test_not_configured_is_not_found(client, settings):
    settings.OIDC_ISSUER = ""
    assert client.get("/sso/oidc/").status_code == 404
    assert client.get("/sso/oidc/callback/?code=x&state=y").status_code == 404


def test_sso_link_command(cast, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from gongjian.sso.models import Identity

    settings.OIDC_ISSUER = "https://iam.sd.gov.cn"
    out = StringIO()
    call_command("sso-link", "editor_a", "sub-1", stdout=out)
    assert "姜山镇督查专员" in out.getvalue()
    assert Identity.objects.get(subject="sub-1").person == cast.editor_a.person
    with pytest.raises(CommandError, match="已对应其他人员"):
        call_command("sso-link", "viewer_a", "sub-1")
    with pytest.raises(CommandError, match="没有用户"):
        call_command("sso-link", "nobody", "sub-2")
    with pytest.raises(CommandError, match="不能为空"):
        call_command("sso-link", "viewer_a", "  ")
