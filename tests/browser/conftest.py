"""Real Chromium (Debian's package) driven by Playwright; screenshots land in test-artifacts/ for people to look at."""

import os
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]


def _require_browser():
    missing = not Path(CHROMIUM).exists() or shutil.which("chromium") is None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium for the browser journeys (make browser installs it)")
        pytest.skip("no Chromium here: run `make browser` as root (apt-get install chromium fonts-noto-cjk)")


@pytest.fixture
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def open_page(browser, request):
    """open_page(width, height) → a fresh page; each page's last view is saved as a screenshot artifact."""
    pages = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages.append(page)
        return page

    yield make
    ARTIFACTS.mkdir(exist_ok=True)
    for i, page in enumerate(pages):
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}.png"), full_page=True)
        page.context.close()


def track(page):
    """Count the page's requests in flight, for settle(); returns the page."""
    state = page.__dict__.setdefault("_gongjian_requests", {"open": 0, "last": time.monotonic()})

    def started(_request):
        state["open"] += 1
        state["last"] = time.monotonic()

    def ended(_request):
        state["open"] -= 1
        state["last"] = time.monotonic()

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    return page


def settle(page, quiet: float = 0.1, timeout: float = 30.0) -> None:
    """The page has loaded and no request (a chart's data, an htmx fragment) has been in flight for `quiet` seconds.
    Playwright's networkidle waits for 500 ms of silence on every page; the page crawls load hundreds of pages, and
    that wait was most of their time. Untracked pages fall back to networkidle."""
    page.wait_for_load_state("load")
    state = page.__dict__.get("_gongjian_requests")
    if state is None:
        page.wait_for_load_state("networkidle")
        return
    deadline = time.monotonic() + timeout
    while state["open"] > 0 or time.monotonic() - state["last"] < quiet:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page.url}: {state['open']} requests still in flight after {timeout:.0f} s")
        page.wait_for_timeout(20)


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    settle(page)
