"""The main pages of every demo role in real Chromium: axe-core finds no WCAG 2 A/AA violation, and at desk and
phone width no cell or button breaks a date, a status or a short word across lines, and no page scrolls sideways."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

from gongjian.demo.org import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS, CHROMIUM, FLAGS, _require_browser, login, settle, track
from tests.demo_world import DEMO_USERS, demo_db  # noqa: F401  (the module-scoped fixture)

# django_db makes pytest-django create the test database (it creates none for a run with no database test).
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The pages each role opens first: its landing page and every page its navigation names.
NAV_LINKS = "Array.from(document.querySelectorAll('nav a.nav-link[href^=\"/\"], nav a.dropdown-item[href^=\"/\"]'))" \
            ".map(a => a.getAttribute('href'))"

# Text that must stay on one line inside a cell or a button: a date, a short status or word of 2–4 characters.
WRAPS = """() => {
  const out = [];
  const shortWord = /^[\\u4e00-\\u9fff]{2,4}$/;
  const date = /^(\\d{4}-\\d{1,2}-\\d{1,2}( \\d{1,2}:\\d{2}(:\\d{2})?)?|\\d{4}年\\d{1,2}月\\d{1,2}日|\\d{1,2}月\\d{1,2}日( ?\\d{1,2}:\\d{2})?|\\d{1,2}-\\d{1,2})$/;
  for (const el of document.querySelectorAll('td, th, dd, button, .btn, .badge, .badge-card')) {
    if (!el.offsetParent) continue;
    // Every text inside the cell, also in a span or link within it (a phone's card view lays cells out narrower).
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (!(shortWord.test(text) || date.test(text))) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (lines.size > 1) out.push(text);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def server(demo_db, django_db_blocker):  # noqa: F811
    """A live server on the module's demo database (pytest-django's live_server would empty it after each test)."""
    with django_db_blocker.unblock():
        # The server shares the test's in-memory SQLite connection, as Django's LiveServerTestCase does: a connection
        # of its own finds each test's transaction holding the write lock, and every login fails ("table is locked").
        shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        for conn in shared.values():
            conn.inc_thread_sharing()
        thread = LiveServerThread("localhost", StaticFilesHandler, connections_override=shared, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
        thread.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


@pytest.fixture(scope="module")
def chromium():
    _require_browser()
    import os

    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _main_pages(page, base: str) -> list[str]:
    start = page.url.removeprefix(base)
    pages = [start]
    for href in page.evaluate(NAV_LINKS):
        if href not in pages and "password" not in href:
            pages.append(href)
    return pages


def _open(chromium, base: str, username: str, width: int, *, inject: bool = False):
    # Injecting axe-core is an inline script, which the site's own CSP rightly refuses; only the audit tool is let in.
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=inject)
    page = track(context.new_page())
    page.set_default_timeout(30_000)
    login(page, base, username, DEMO_PASSWORD)
    assert "/login/" not in page.url, f"{username} could not log in"
    return page


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("username", DEMO_USERS)
def test_axe_finds_no_wcag_a_or_aa_violation(chromium, server, username):
    page = _open(chromium, server, username, 1440, inject=True)
    problems = {}
    for url in _main_pages(page, server):
        page.goto(server + url)
        settle(page)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
        for v in result["violations"]:
            problems.setdefault(url, []).append(
                f"{v['id']} ×{len(v['nodes'])}: {v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')[:160]}")
    page.context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


DETAIL = re.compile(r"^/(tasks|projects|tickets|dispatch/reports)/\d+/$")
LINKS = "Array.from(document.querySelectorAll('main a[href^=\"/\"]')).map(a => a.getAttribute('href'))"


@pytest.mark.parametrize("width", [1440, 390])
def test_nothing_short_wraps_and_no_page_is_wider_than_the_screen(chromium, server, width):
    """Every role's navigation pages, and the first detail page of each kind they link to (a task, a project …)."""
    problems = {}
    for username in DEMO_USERS:
        page = _open(chromium, server, username, width)
        pages = _main_pages(page, server)
        listed, shapes = len(pages), set()
        for i, url in enumerate(pages):
            page.goto(server + url)
            settle(page)
            wrapped = page.evaluate(WRAPS)
            if wrapped:
                problems[f"{username} {url} wraps"] = sorted(set(wrapped))[:10]
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems[f"{username} {url} is {scroll}px wide"] = width
            if i == 0:
                _shot(page, f"pages-{username}-{width}")
            if i < listed:
                for href in page.evaluate(LINKS):
                    shape = DETAIL.match(href)
                    if shape and shape.group(1) not in shapes:
                        shapes.add(shape.group(1))
                        pages.append(href)
        page.context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


FILTERED_LISTS = ["/tasks/", "/projects/", "/tickets/", "/ideas/", "/cards/list/", "/blockers/", "/notices/",
                  "/projects/attraction/"]


@pytest.mark.parametrize("width", [390, 1440])
def test_filters_fold_on_a_phone_and_the_list_comes_first(chromium, server, width):
    page = _open(chromium, server, "office", width)
    page.set_viewport_size({"width": width, "height": 844})
    problems = {}
    for url in FILTERED_LISTS:
        page.goto(server + url)
        settle(page)
        fold = page.locator("details.filter-fold")
        if fold.count() != 1:
            problems[url] = "no folding filter panel"
            continue
        is_open = fold.evaluate("d => d.open")
        visible = page.locator("details.filter-fold form").is_visible()
        content = page.locator("main table, main .cockpit-chart, main [id^=chart]").first
        top = content.evaluate("e => e.getBoundingClientRect().top") if content.count() else None
        if width <= 576 and (is_open or visible or page.locator("details.filter-fold > summary").inner_text() != "筛选"):
            problems[url] = f"filters not folded behind 筛选 (open={is_open})"
        elif width <= 576 and (top is None or top > 844):
            problems[url] = f"the list starts at {top}px, below the screen"
        elif width > 576 and not visible:
            problems[url] = "filters hidden at desk width"
    if width <= 576:
        page.goto(server + "/tasks/?overdue=true&q=%E9%81%93")
        assert page.locator("details.filter-fold > summary").inner_text() == "筛选（已选 2 项）"
        page.locator("details.filter-fold > summary").click()
        assert page.locator("details.filter-fold form").is_visible()
    _shot(page, f"filters-fold-{width}")
    page.context.close()
    assert not problems, problems
