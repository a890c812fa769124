"""Pages without dead ends, as each demo role meets them: every link reachable from the navigation two levels deep
opens (no 403, 404 or 5xx), no page shows an internal code, and no page carries an inline script."""

import re
from collections import Counter

import pytest
from django.test import Client

from gongjian.demo.org import DEMO_PASSWORD
from tests.demo_world import DEMO_USERS, demo_db  # noqa: F401  (the module-scoped fixture)
from tests.pages import codes_in, internal_codes, internal_links, parse, visible_text

# Links followed per role and page shape ("/tasks/N/"): enough to meet every kind of row a list shows.
PER_SHAPE = 6


def _login(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client


def _shape(url: str) -> str:
    path, _, query = url.partition("?")
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return re.sub(r"/\d+/", "/N/", path) + "?" + "&".join(keys)


def _crawl(username: str) -> tuple[dict[str, int], list[tuple[int, str, str]]]:
    client = _login(username)
    landing = client.get("/", follow=True)
    start = landing.request["PATH_INFO"]
    level1 = internal_links(start, [start, *parse(landing.content.decode()).nav_links])
    seen: dict[str, int] = {}
    bad: list[tuple[int, str, str]] = []
    shapes: Counter = Counter()

    def visit(url: str, came_from: str):
        if url in seen:
            return None
        shapes[_shape(url)] += 1
        if came_from != "navigation" and shapes[_shape(url)] > PER_SHAPE:
            return None
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (403, 404) or response.status_code >= 500:
            bad.append((response.status_code, url, came_from))
        return response

    for url in level1:
        response = visit(url, "navigation")
        if response is None or response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in internal_links(url, parse(response.content.decode()).body_links):
            visit(link, url)
    return seen, bad


@pytest.mark.slow
@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_link_two_levels_from_the_navigation_opens(demo_db, db, username):  # noqa: F811
    seen, bad = _crawl(username)
    assert len(seen) > 2, f"{username} reached almost nothing: {seen}"
    assert not bad, f"{username} meets dead ends (status, link, on page): {bad}"


def _main_pages(client: Client) -> list[str]:
    landing = client.get("/", follow=True)
    start = landing.request["PATH_INFO"]
    pages = internal_links(start, [start, *parse(landing.content.decode()).nav_links])
    # A task's page carries the history, the report page the figures: the detail pages people open most.
    for url in list(pages):
        body = client.get(url)
        if body.status_code != 200:
            continue
        for link in internal_links(url, parse(body.content.decode()).body_links):
            detail = re.fullmatch(r"/(tasks|dispatch/reports|projects|tickets|cards|notices|blockers)/\d+/", link)
            if detail and link not in pages and not any(_shape(p) == _shape(link) for p in pages):
                pages.append(link)
    return [p for p in pages if "export=" not in p]


INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.mark.slow
def test_main_pages_show_no_internal_code_and_no_inline_script(demo_db, db):  # noqa: F811
    codes = internal_codes()
    found: dict[str, list[str]] = {}
    for username in DEMO_USERS:
        client = _login(username)
        for url in [*_main_pages(client), "/rules/"]:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            shown = codes_in(visible_text(html), codes)
            if shown:
                found[f"{username} {url}"] = sorted(set(shown))
            inline = [m for m in re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)]
            if inline or INLINE_HANDLER.search(html):
                found[f"{username} {url} inline script"] = inline or INLINE_HANDLER.findall(html)[:3]
            assert response.get("Content-Security-Policy"), url
    assert not found, found


def test_codes_are_caught_where_they_show(db):
    """The check above can fail: a status code and a printed dict are found, Chinese words are not."""
    codes = internal_codes()
    assert codes_in(visible_text("<p>状态：draft → assigned</p><code>{'a': 1}</code>"), codes) == [
        "draft", "assigned", "{'"]
    assert codes_in(visible_text('<p title="draft">草稿</p><script>var in_progress;</script>'), codes) == []


def test_every_response_carries_a_content_security_policy_without_inline_script(client, settings):
    for url in ("/login/", "/public/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", policy
        assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
    settings.GONGJIAN_PRODUCTION = True
    assert "script-src 'self'" in client.get("/login/")["Content-Security-Policy"]


@pytest.mark.slow
def test_the_demo_task_totals_agree_with_the_readme(demo_db, db):  # noqa: F811
    from pathlib import Path

    from gongjian.campaigns.models import Campaign

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    written = int(re.search(r"攻坚任务 (\d+) 项", readme).group(1))
    campaign = Campaign.objects.get(routine=False)
    office = _login("office")
    cockpit = office.get(f"/cockpit/data.json?campaign={campaign.pk}").json()
    totals = cockpit["colors"]["totals"]
    assert cockpit["tasks"]["total"]["n"] == written
    assert sum(totals[c]["n"] for c in ("red", "yellow", "green", "no_card")) == written
    assert office.get(f"/campaigns/{campaign.pk}/").context["numbers"]["total"] == written
    assert office.get(cockpit["tasks"]["total"]["url"]).context["count"] == written


EMPTY_OPTION = re.compile(r"<option[^>]*>\s*(-{3,}|未知)\s*</option>")


@pytest.mark.slow
def test_no_filter_offers_dashes_or_unknown(demo_db, db):  # noqa: F811
    found: dict[str, list[str]] = {}
    for username in ("office", "mayor", "jiangshan_editor"):
        client = _login(username)
        for url in _main_pages(client):
            response = client.get(url)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                shown = EMPTY_OPTION.findall(response.content.decode())
                if shown:
                    found[f"{username} {url}"] = sorted(set(shown))
    assert not found, found
