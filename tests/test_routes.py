"""Deny by default: every route not on the public list refuses anonymous users."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# The only routes anyone may open without an account (docs/security.md "Access control").
PUBLIC = {
    "/healthz",
    "/login/",
}
# /m/: a message's one-tap sign link, whose signed token is the proof; /sso/: signing in through 政务微信, 钉钉 and
# the unified identity platform.
PUBLIC_PREFIXES = ("/open311/", "/public/", "/static/", "/m/", "/sso/")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _sample_url(pattern: str) -> str:
    url = re.sub(r"\(\?P<format>[^)]*\)", "json", pattern)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", url)
    url = re.sub(r"<drf_format_suffix:format>", ".json", url)
    url = re.sub(r"<(?:\w+:)?\w+>", "1", url)
    url = url.replace("\\Z", "").replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + url


def all_urls() -> list[str]:
    return sorted({_sample_url(p) for p in _walk(get_resolver().url_patterns)})


def test_walk_finds_the_routes():
    urls = all_urls()
    assert "/login/" in urls and "/api/v1/units/" in urls and len(urls) > 10


@pytest.mark.parametrize("url", all_urls())
def test_anonymous_is_refused_everywhere_but_public_routes(url):
    if url in PUBLIC or url.startswith(PUBLIC_PREFIXES):
        pytest.skip("public route")
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if url.startswith("/api/"):
            assert response.status_code in (401, 403), (method, url, response.status_code)
        else:
            assert response.status_code in (302, 405), (method, url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/login/"), (method, url)


def test_health_is_public_json():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
