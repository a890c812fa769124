"""The battle map and the project pages in a real Chromium: the progress view at 5,000 rows from its own endpoint
and at 50,000, A3 landscape print, the map without outside requests, and the dispatch form at phone width."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from gongjian.bench import data
from gongjian.bench.gantt_fixture import make_gantt_data
from gongjian.bench.scale import Scale
from gongjian.dispatch import periods
from gongjian.dispatch.models import ReportingPeriod
from gongjian.projects.models import ProjectFigures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
A3_LANDSCAPE_PT = (1190.55, 841.89)


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("no Chromium here (apt-get install chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _page(browser, live_server, user, password, width=1400, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#username", user.username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _chart_stats(page) -> dict:
    page.wait_for_function("() => window.BATTLE_CHART && window.BATTLE_CHART.stats.draws > 0")
    return page.evaluate("() => ({rows: window.BATTLE_CHART.stats.rows, renderMs: window.BATTLE_CHART.stats.renderMs,"
                         " groups: window.BATTLE_CHART.stats.groups, count: document.getElementById('row-count')"
                         ".textContent})")


def test_progress_view_draws_5000_projects_from_its_endpoint(browser, live_server, cast, settings):
    settings.GONGJIAN_TODAY = date(2023, 9, 15)
    data.generate(Scale("projects5k", blocks=1, tasks=30, projects=5000, tickets=0), 7, lambda text: None)
    page = _page(browser, live_server, cast.office, cast.password)
    page.goto(f"{live_server.url}/battle/progress/?group=town")
    first = _chart_stats(page)
    page.wait_for_function("() => window.BATTLE_FIRST_DRAWN > 0")
    # the first window is drawn before the rest arrives
    assert first["count"] == "5000" and page.evaluate("() => window.BATTLE_FIRST_ROWS") == 200
    page.wait_for_function("() => window.BATTLE_LOADED === true", timeout=120_000)
    stats = _chart_stats(page)
    assert stats["rows"] == 5000 and stats["count"] == "5000"
    assert stats["groups"] >= 10  # grouped by the block's towns, streets and zone
    assert first["renderMs"] <= 500, first


def test_progress_view_draws_50000_rows(browser, live_server, cast, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    fixture = make_gantt_data(50000)
    page = _page(browser, live_server, cast.office, cast.password)
    import json

    body = json.dumps(fixture, ensure_ascii=False, separators=(",", ":"))
    page.route("**/battle/progress.json*", lambda route: route.fulfill(status=200, body=body,
                                                                       content_type="application/json"))
    page.goto(f"{live_server.url}/battle/progress/?group=chain")
    stats = _chart_stats(page)
    assert stats["rows"] == 50000 and stats["renderMs"] <= 1500, stats


def test_battle_views_print_on_a3_landscape(browser, live_server, cast, make_project_live):
    make_project_live()
    page = _page(browser, live_server, cast.office, cast.password)
    for url in ("/battle/deployment/", "/battle/guarantee/"):
        page.goto(live_server.url + url)
        pdf = page.pdf(prefer_css_page_size=True)
        box = pdf.split(b"/MediaBox", 1)[1].split(b"]", 1)[0].strip(b" [").split()
        width, height = float(box[2]), float(box[3])
        assert (round(width), round(height)) == tuple(round(v) for v in A3_LANDSCAPE_PT), url


def test_map_draws_with_no_outside_request(browser, live_server, cast, make_project_live):
    make_project_live()
    page = _page(browser, live_server, cast.office, cast.password)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/projects/map/")
    page.wait_for_selector("#project-map canvas")
    assert requested and all(url.startswith(live_server.url) for url in requested), requested


def test_dispatch_form_works_at_phone_width(browser, live_server, cast, make_project_live, settings):
    project = make_project_live()
    march = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 15))
    phone = _page(browser, live_server, cast.editor_a, cast.password, width=390, height=844)
    phone.goto(f"{live_server.url}/projects/{project.pk}/dispatch/{march.pk}/")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    phone.fill("input[name=invested]", "150")
    phone.fill("textarea[name=image_progress]", "主体结构施工至三层")
    phone.fill("textarea[name=work_done]", "完成主体结构三层")
    phone.click("button[value=submit]")
    phone.wait_for_load_state("networkidle")
    assert "已提交" in phone.content()
    assert ProjectFigures.objects.get(project=project).report.state == "submitted"


@pytest.fixture
def make_project_live(make_project, cast, settings):
    def make():
        settings.GONGJIAN_TODAY = date(2023, 3, 31)
        return make_project()

    return make


def test_project_pages_fit_a_phone(browser, live_server, cast, make_project_live):
    project = make_project_live()
    phone = _page(browser, live_server, cast.office, cast.password, width=390, height=844)
    wide = {}
    for url in ("/projects/", f"/projects/{project.pk}/", f"/projects/{project.pk}/status/",
                f"/projects/{project.pk}/plan/", "/projects/attraction/", "/projects/map/", "/battle/deployment/",
                "/battle/progress/", "/battle/guarantee/"):
        phone.goto(live_server.url + url)
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        if width > 390:
            wide[url] = width
    assert wide == {}


def _screen_is_full(page) -> bool:
    """Every line the chart's viewport has room for is drawn (rows or group headers)."""
    return page.evaluate("""() => {
      const s = window.BATTLE_CHART.stats, h = document.querySelector('.gg-scroller').clientHeight;
      return s.drawnRows + s.drawnGroupHeaders >= Math.floor((h - s.headerHeight) / s.rowHeight);
    }""")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_progress_view_draws_the_first_window_then_every_row(browser, live_server, cast, settings, monkeypatch,
                                                             tmp_path, width, height):
    from gongjian.projects import battle

    settings.GONGJIAN_TODAY = date(2023, 9, 15)
    monkeypatch.setattr(battle, "PAGE_FIRST", 40)
    monkeypatch.setattr(battle, "PAGE_MAX", 100)
    data.generate(Scale("projects450", blocks=1, tasks=30, projects=450, tickets=0), 7, lambda text: None)
    page = _page(browser, live_server, cast.office, cast.password, width=width, height=height)
    held, asked, release = [], [], []

    def hold_later_windows(route):
        asked.append(route.request.url)
        if release or "offset=0&" in route.request.url:
            route.continue_()
        else:
            held.append(route)

    page.route("**/battle/progress.json*", hold_later_windows)
    page.goto(f"{live_server.url}/battle/progress/?group=town")
    page.wait_for_function("() => window.BATTLE_FIRST_DRAWN > 0")
    first = page.evaluate("() => ({rows: window.BATTLE_CHART.stats.rows, count: "
                          "document.getElementById('row-count').textContent, "
                          "loading: document.getElementById('gantt-loading').textContent})")
    assert first["rows"] == 40 and first["count"] == "450" and "其余正在加载" in first["loading"]
    assert _screen_is_full(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"first-{width}.png"), full_page=True)
    # printing before every row is in waits for them
    page.evaluate("() => { window.print = () => { window.PRINTED = document.querySelectorAll('.gg-print-page').length; }; }")
    page.click("#print-a3")
    assert "加载完成后打印" in page.evaluate("() => document.getElementById('gantt-loading').textContent")
    assert page.evaluate("() => window.PRINTED === undefined && !document.querySelector('.gg-print-root')")
    release.append(True)
    for route in held:
        route.continue_()
    page.wait_for_function("() => window.BATTLE_LOADED === true", timeout=60_000)
    assert page.evaluate("() => window.PRINTED") >= 450 // 32  # every row, 32 lines to an A3 page
    page.evaluate("() => window.BATTLE_CHART.clearPrint()")
    assert len(asked) >= 2 and "offset=40&limit=100" in asked[1]
    whole = page.evaluate("""async () => {
      const r = await fetch('/battle/progress.json?group=town&offset=0&limit=100', {credentials: 'same-origin'});
      return r.json();
    }""")
    stats = page.evaluate("() => window.BATTLE_CHART.stats")
    assert stats["rows"] == 450 and whole["total"] == 450
    assert page.evaluate("() => document.getElementById('gantt-loading').textContent") == ""
    page.evaluate("() => { const s = document.querySelector('.gg-scroller'); s.scrollTop = s.scrollHeight; }")
    page.wait_for_function("(n) => window.BATTLE_CHART.stats.lastLine === n - 1", arg=stats["visibleRows"])
    assert _screen_is_full(page)
    ids = page.evaluate("() => { const c = window.BATTLE_CHART; return c.stats.lastDrawnId; }")
    # the last row drawn is the server's last row in display order
    last = page.evaluate("""async () => {
      const r = await fetch('/battle/progress.json?group=town&offset=449&limit=1', {credentials: 'same-origin'});
      return (await r.json()).rows[0][0];
    }""")
    assert ids == last and whole["rows"][0][0] != last
    page.locator("#gantt").screenshot(path=str(tmp_path / f"all-{width}.png"))
    print("screenshots:", tmp_path)
