"""The battle map's progress view (static/js/gantt.js) in a real headless Chromium, and its synthetic data.

No database: the browser tests serve the static files and generated JSON from a temporary directory.
"""

import json
import math
import re
import time
from pathlib import Path

import pytest

from gongjian.bench.gantt_fixture import (
    CHAINS,
    FIELDS,
    LEADERS,
    MS_DONE,
    MS_OVERDUE,
    MS_PLANNED,
    TODAY,
    TOWNS,
    make_gantt_data,
    to_dhtmlx,
    to_frappe,
    to_windows,
)

STATIC = Path(__file__).resolve().parents[1] / "gongjian" / "static"
TODAY_RGB = (0x7B, 0x1F, 0xA2)


# --- the synthetic data -------------------------------------------------------------------------------------

def test_fixture_is_the_same_for_the_same_seed():
    assert make_gantt_data(300, seed=7) == make_gantt_data(300, seed=7)
    assert make_gantt_data(300, seed=7) != make_gantt_data(300, seed=8)


def test_fixture_has_the_requested_rows_in_2023():
    data = make_gantt_data(2000)
    assert data["v"] == 1
    assert data["origin"] == "2023-01-01"
    assert data["today"] == TODAY == 89
    assert data["fields"] == FIELDS
    assert len(data["rows"]) == 2000
    col = {f: i for i, f in enumerate(FIELDS)}
    assert len(data["dict"]["town"]) == len(TOWNS) == 12
    assert len(data["dict"]["leader"]) == len(LEADERS) == 8
    assert len(data["dict"]["chain"]) == len(CHAINS) == 6
    assert len({r[col["id"]] for r in data["rows"]}) == 2000
    for r in data["rows"]:
        assert len(r) == len(FIELDS)
        assert 0 <= r[col["start"]] <= r[col["end"]] <= 364
        assert 0 <= r[col["progress"]] <= 100
        assert r[col["card"]] in (0, 1, 2, 3)
        assert r[col["title"]].endswith(f"#{r[col['id']]}")
        for name in ("unit", "leader", "town", "chain"):
            assert 0 <= r[col[name]] < len(data["dict"][name])
        milestones = r[col["milestones"]]
        assert 1 <= len(milestones) <= 6
        for day, status, critical, title in milestones:
            assert r[col["start"]] <= day <= r[col["end"]]
            assert status in (MS_PLANNED, MS_DONE, MS_OVERDUE)
            assert critical in (0, 1)
            assert 0 <= title < len(data["dict"]["milestone"])
            if status == MS_OVERDUE:
                assert day < TODAY


def test_peer_conversions_keep_every_row_and_its_dates():
    data = make_gantt_data(50)
    dhtmlx = to_dhtmlx(data)
    frappe = to_frappe(data)
    assert len(dhtmlx["data"]) == len(frappe) == 50
    first = data["rows"][0]
    assert dhtmlx["data"][0]["id"] == first[0]
    assert frappe[0]["name"] == dhtmlx["data"][0]["text"] == first[1]
    # dhtmlx's end_date is exclusive, frappe's end is inclusive.
    assert frappe[0]["end"] < dhtmlx["data"][0]["end_date"]
    json.dumps(dhtmlx, ensure_ascii=False)


def test_windows_cut_the_rows_in_group_order_with_the_whole_span():
    data = make_gantt_data(1000)
    windows = to_windows(data, 60, 300)
    assert [len(w["rows"]) for w in windows] == [60, 300, 300, 300, 40]
    assert [w["offset"] for w in windows] == [0, 60, 360, 660, 960] and {w["total"] for w in windows} == {1000}
    col = {f: i for i, f in enumerate(FIELDS)}
    rows = [r for w in windows for r in w["rows"]]
    assert sorted(r[0] for r in rows) == sorted(r[0] for r in data["rows"])
    keys = [(r[col["town"]], r[col["start"]], r[0]) for r in rows]
    assert keys == sorted(keys)
    days = [d for r in data["rows"] for d in (r[col["start"]], r[col["end"]], *(m[0] for m in r[col["milestones"]]))]
    assert {tuple(w["span"]) for w in windows} == {(min(days), max(days))}


# --- the renderer in Chromium -------------------------------------------------------------------------------

PAGE = """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="gantt.css"><style>body { margin: 0 } #chart { height: 100vh }</style></head>
<body><div id="chart"></div><script src="gantt.js"></script><script>
window.show = async (name, options) => {
  const data = await (await fetch(name)).json();
  const opts = Object.assign({onRowClick: (row) => { window.CLICKED = row; }}, options || {});
  if (window.G) window.G.destroy();
  const t0 = performance.now();
  window.G = GongjianGantt.render(document.getElementById('chart'), data, opts);
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  window.RENDER_MS = performance.now() - t0;
  return window.RENDER_MS;
};
window.nextFrame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
window.pixel = (x, y) => {
  const c = document.querySelector('.gg-canvas'), k = c.width / c.clientWidth;
  return Array.from(c.getContext('2d').getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data);
};
</script></body></html>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from gongjian.bench.gantt_bench import launch_chromium, require_browser, serve_directory

    try:
        sync_playwright = require_browser()
    except RuntimeError as exc:
        pytest.skip(f"progress-view browser tests need Chromium and Playwright: {exc}")
    root = tmp_path_factory.mktemp("gantt-site")
    (root / "gantt.js").write_bytes((STATIC / "js" / "gantt.js").read_bytes())
    (root / "gantt.css").write_bytes((STATIC / "css" / "gantt.css").read_bytes())
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    with serve_directory(root) as base, sync_playwright() as p:
        browser = launch_chromium(p)
        yield {"root": root, "base": base, "browser": browser}
        browser.close()


@pytest.fixture
def open_chart(site):
    """open_chart(data, name, width=1400, height=900, dpr=1, options=None) -> page with window.G rendered."""
    pages = []

    def open_(data, name, width=1400, height=900, dpr=1, options=None):
        path = site["root"] / f"{name}.json"
        if not path.exists():
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        page = site["browser"].new_page(viewport={"width": width, "height": height}, device_scale_factor=dpr)
        pages.append(page)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(site["base"] + "index.html")
        page.evaluate("([name, options]) => window.show(name + '.json', options)", [name, options or {}])
        assert not errors, errors
        return page

    yield open_
    for page in pages:
        page.close()


def stats(page):
    return page.evaluate("() => Object.assign({}, window.G.stats)")


def small_data():
    """Three rows: a done milestone, an overdue one, a planned critical one — nothing else near them."""
    return {
        "v": 1, "origin": "2023-01-01", "today": TODAY,
        "fields": ["id", "title", "unit", "leader", "town", "start", "end", "progress", "card", "milestones"],
        "dict": {"unit": ["姜山镇", "发改局"], "leader": ["市长"], "town": ["姜山镇", "店埠镇"]},
        "rows": [
            [1, "姜山镇新材料产业园项目 #1", 0, 0, 0, 10, 200, 40.0, 1, [[40, 1, 0, "土地摘牌"]]],
            [2, "店埠镇食品加工生产线项目 #2", 1, 0, 1, 20, 250, 10.0, 3, [[60, 2, 0, "开工建设"]]],
            [3, "姜山镇电子信息研发中心项目 #3", 0, 0, 0, 150, 300, 0.0, 2, [[220, 0, 1, "主体封顶"]]],
        ],
    }


@pytest.mark.browser
def test_only_the_rows_in_view_are_drawn_and_scrolling_reaches_the_last(open_chart):
    data = make_gantt_data(5000)
    page = open_chart(data, "rows5000")
    s = stats(page)
    in_view = math.ceil((900 - s["headerHeight"]) / s["rowHeight"]) + 1
    assert s["rows"] == s["visibleRows"] == 5000
    assert 0 < s["drawnRows"] <= in_view
    assert s["firstDrawnId"] == data["rows"][0][0]

    page.evaluate("() => { const sc = document.querySelector('.gg-scroller'); sc.scrollTop = sc.scrollHeight; }")
    page.evaluate("() => window.nextFrame()")
    s = stats(page)
    assert s["lastDrawnId"] == data["rows"][-1][0]
    assert 0 < s["drawnRows"] <= in_view


@pytest.mark.browser
def test_keyboard_scrolls_the_chart(open_chart):
    data = make_gantt_data(5000)
    page = open_chart(data, "rows5000")
    page.focus(".gg-scroller")
    page.keyboard.press("PageDown")
    # The scroll event and the redraw it triggers may land a frame or two later on a busy machine.
    page.wait_for_function("(id) => window.G.stats.firstDrawnId !== id", arg=data["rows"][0][0])
    page.keyboard.press("End")
    page.wait_for_function("(id) => window.G.stats.lastDrawnId === id", arg=data["rows"][-1][0])


@pytest.mark.browser
def test_grouping_by_town_adds_a_header_per_town(open_chart):
    data = make_gantt_data(5000)
    page = open_chart(data, "rows5000")
    page.evaluate("() => window.G.setGroupBy('town')")
    s = stats(page)
    assert s["groups"] == 12
    assert s["visibleRows"] == 5000 + 12
    assert s["drawnGroupHeaders"] >= 1
    page.evaluate("() => window.G.setGroupBy('leader')")
    assert stats(page)["groups"] == 8
    page.evaluate("() => window.G.setGroupBy(null)")
    s = stats(page)
    assert s["groups"] == 0
    assert s["drawnGroupHeaders"] == 0


@pytest.mark.browser
def test_filter_keeps_only_matching_rows(open_chart):
    data = make_gantt_data(5000)
    jiangshan = data["dict"]["town"].index("姜山镇")
    expected = sum(1 for r in data["rows"] if r[FIELDS.index("town")] == jiangshan)
    page = open_chart(data, "rows5000")
    page.evaluate("() => window.G.setFilter((row) => row.town === '姜山镇')")
    assert stats(page)["visibleRows"] == expected
    page.evaluate("() => window.G.setFilter(null)")
    assert stats(page)["visibleRows"] == 5000


@pytest.mark.browser
def test_done_milestone_is_a_red_flag_and_overdue_one_a_black_flag(open_chart):
    page = open_chart(small_data(), "small", dpr=2)
    s = stats(page)
    assert (s["redFlags"], s["blackFlags"], s["plannedMilestones"], s["criticalMilestones"]) == (1, 1, 1, 1)
    red = page.evaluate("() => window.G.locate(1, 40)")
    black = page.evaluate("() => window.G.locate(2, 60)")
    r, g, b, _ = page.evaluate("([x, y]) => window.pixel(x, y)", [red["flagX"], red["flagY"]])
    assert r > 150 and g < 90 and b < 90, (r, g, b)
    r, g, b, _ = page.evaluate("([x, y]) => window.pixel(x, y)", [black["flagX"], black["flagY"]])
    assert max(r, g, b) < 60, (r, g, b)


@pytest.mark.browser
def test_today_line_sits_at_the_today_offset(open_chart):
    page = open_chart(small_data(), "small")
    s = stats(page)
    expected = s["labelWidth"] + (TODAY + 0.5 - s["day0"]) * s["dayWidth"]
    assert abs(s["todayX"] - expected) <= 1
    # Below the last row nothing but the grid and the today line is drawn.
    assert tuple(page.evaluate("([x]) => window.pixel(x, 880)", [s["todayX"]])[:3]) == TODAY_RGB


@pytest.mark.browser
def test_clicking_a_row_hands_it_to_on_row_click(open_chart):
    page = open_chart(small_data(), "small")
    s = stats(page)
    page.mouse.click(100, s["headerHeight"] + s["rowHeight"] * 1.5)
    row = page.evaluate("() => window.CLICKED")
    assert row["id"] == 2
    assert row["start"] == "2023-01-21"
    assert row["card"] == "red"
    assert row["milestones"][0]["statusName"] == "已逾期"


@pytest.mark.browser
def test_phone_width_narrows_the_label_column_and_canvas_follows_device_pixels(open_chart):
    page = open_chart(make_gantt_data(200), "rows200", width=390, height=844, dpr=3)
    s = stats(page)
    assert s["labelWidth"] <= 150
    width, client = page.evaluate("() => { const c = document.querySelector('.gg-canvas'); return [c.width, c.clientWidth]; }")
    assert width == client * 3


@pytest.mark.browser
def test_print_puts_all_rows_on_a3_landscape_pages(open_chart):
    page = open_chart(make_gantt_data(200), "rows200")
    pages = page.evaluate("() => window.G.preparePrint()")
    per_page = (1047 - 30 - 44) // 30
    assert pages == math.ceil(200 / per_page)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == pages
    w, h = (float(v) for v in boxes[0])
    assert abs(w - 1190.55) < 2 and abs(h - 841.89) < 2, (w, h)  # A3 landscape in points


@pytest.mark.browser
@pytest.mark.slow
def test_first_render_of_50000_rows_finishes(open_chart):
    started = time.perf_counter()
    page = open_chart(make_gantt_data(50000), "rows50000")
    assert stats(page)["rows"] == 50000
    assert page.evaluate("() => window.RENDER_MS") < 5000
    assert time.perf_counter() - started < 60


@pytest.mark.browser
def test_appended_windows_join_the_chart_as_if_drawn_at_once(open_chart, site):
    """The page draws the first window, then appends the rest: the timeline does not move, the groups and rows end
    up as with the whole document, and a window's own milestone dict is mapped onto the chart's."""
    data = make_gantt_data(1000)
    windows = to_windows(data, 60, 300)
    # the second window numbers its milestone titles the other way round, as a window with its own dict would
    moved = windows[1]
    moved["dict"] = dict(moved["dict"], milestone=list(reversed(data["dict"]["milestone"])))
    last = len(data["dict"]["milestone"]) - 1
    moved["rows"] = [[*r[:-1], [[d, st, cr, last - t] for d, st, cr, t in r[-1]]] for r in moved["rows"]]
    for i, w in enumerate(windows[1:], start=1):
        (site["root"] / f"win1000-{i}.json").write_text(json.dumps(w, ensure_ascii=False), encoding="utf-8")
    whole = open_chart(to_windows(data, 1000, 1000)[0], "win1000-whole", options={"groupBy": "town"})
    expected = stats(whole)
    page = open_chart(windows[0], "win1000-0", options={"groupBy": "town"})
    before = stats(page)
    assert before["rows"] == 60 and before["day0"] == expected["day0"]
    page.evaluate("""async (n) => {
      for (let i = 1; i <= n; i++) window.G.append(await (await fetch('win1000-' + i + '.json')).json());
      await window.nextFrame();
    }""", len(windows) - 1)
    after = stats(page)
    assert after["rows"] == 1000 and after["day0"] == before["day0"] and after["dayWidth"] == expected["dayWidth"]
    assert (after["groups"], after["visibleRows"]) == (expected["groups"], expected["visibleRows"])
    for p in (page, whole):
        p.evaluate("() => { const sc = document.querySelector('.gg-scroller'); sc.scrollTop = sc.scrollHeight; }")
        p.evaluate("() => window.nextFrame()")
    assert stats(page)["lastDrawnId"] == stats(whole)["lastDrawnId"] == windows[-1]["rows"][-1][0]
    row = data["rows"][[r[0] for r in data["rows"]].index(moved["rows"][5][0])]
    assert page.evaluate("(id) => window.G.scrollToRow(id)", row[0])
    spot = page.evaluate("([id, day]) => window.G.locate(id, day)", [row[0], row[col_of("start")]])
    page.mouse.click(spot["x"], spot["y"])
    titles = page.evaluate("() => window.CLICKED.milestones.map((m) => m.title)")
    assert titles == [data["dict"]["milestone"][m[3]] for m in row[col_of("milestones")]]


def col_of(name: str) -> int:
    return FIELDS.index(name)

