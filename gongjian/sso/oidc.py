"""OpenID Connect with the provincial unified identity platform (统一身份认证), through mozilla-django-oidc: code
flow, ID token signature checked against the platform's published keys (RS256), nonce and state checked. The
platform's endpoints come from its discovery document, so only the issuer is configured."""

import time
import urllib.parse

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from gongjian.errors import UserError
from gongjian.sso import services

DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def discovery() -> dict:
    issuer = settings.OIDC_ISSUER
    if not issuer:
        raise ImproperlyConfigured("OIDC_ISSUER is not set")
    key = f"sso:oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured(f"the discovery document names another issuer: {document.get('issuer')}")
        cache.set(key, document, 3600)
    return document


def setting(attr: str, *args):
    if attr in DISCOVERED:
        # Unconfigured, the views are built and then answer 404 (see _Configured).
        return discovery()[DISCOVERED[attr]] if settings.OIDC_ISSUER else ""
    return import_from_settings(attr, *args)


class Backend(OIDCAuthenticationBackend):
    get_settings = staticmethod(setting)

    def retrieve_matching_jwk(self, token):
        """The platform's key for this token: by key id when the token names one (a platform with a single key
        need not), and only a signing key of the configured algorithm."""
        header = jwt.get_unverified_header(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        kid = header.get("kid")
        keys = [k for k in response.json().get("keys", [])
                if (kid is None or k.get("kid") == kid) and k.get("use", "sig") == "sig"
                and k.get("alg", self.OIDC_RP_SIGN_ALGO) == self.OIDC_RP_SIGN_ALGO]
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO or len(keys) != 1:
            raise SuspiciousOperation("no single matching signing key")
        return jwt.PyJWK(keys[0])

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audience = audience if isinstance(audience, list) else [audience]
        # The library checks signature and nonce only: the token must also be from our issuer and for us.
        if payload.get("iss", "").rstrip("/") != settings.OIDC_ISSUER or settings.OIDC_RP_CLIENT_ID not in audience:
            raise SuspiciousOperation("ID token issuer or audience mismatch")
        if payload.get("exp", 0) < time.time():
            raise SuspiciousOperation("ID token expired")
        return payload

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def get_userinfo(self, access_token, id_token, payload):
        info = super().get_userinfo(access_token, id_token, payload)
        # The user info must describe the person the signed ID token names.
        if info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo sub differs from the ID token's")
        return info

    def filter_users_by_claims(self, claims):
        person = services.person_for(provider="oidc", subject=claims.get("sub", ""), issuer=settings.OIDC_ISSUER)
        if person is None:
            services.refuse(provider="oidc", subject=claims.get("sub", ""))
            return get_user_model().objects.none()
        return get_user_model().objects.filter(pk=person.user_id)

    def create_user(self, claims):
        return None  # people are registered by the platform's administrators, never by signing in


def end_session_url(request) -> str:
    """Where to send a person who signed in through the platform and now signs out (RP-initiated logout): the
    platform's end_session_endpoint with the ID token they signed in with, so the platform's own session ends too.
    Empty when they signed in otherwise or the platform publishes no such endpoint. Read before the session ends."""
    id_token = request.session.get("oidc_id_token")
    if not settings.OIDC_ISSUER or not id_token:
        return ""
    try:
        endpoint = discovery().get("end_session_endpoint", "")
    except (requests.RequestException, ValueError, ImproperlyConfigured):
        return ""  # the local sign-out still happens; the platform's session times out on its own
    if not endpoint.startswith(("https://", "http://")):
        return ""
    query = urllib.parse.urlencode({"id_token_hint": id_token, "client_id": settings.OIDC_RP_CLIENT_ID,
                                    "post_logout_redirect_uri": f"{settings.SITE_URL}/login/"})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


class _Configured:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ISSUER:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class Start(_Configured, OIDCAuthenticationRequestView):
    get_settings = staticmethod(setting)


class Callback(_Configured, OIDCAuthenticationCallbackView):
    get_settings = staticmethod(setting)

    def login_success(self):
        try:
            services.start_session(request=self.request, person=self.user.person, provider="oidc")
        except UserError:
            return self.login_failure()
        return HttpResponseRedirect(self.success_url)
