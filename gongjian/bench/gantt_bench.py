"""`gongjian bench --only gantt`: first-render time of the progress view (static/js/gantt.js) against a peer
Gantt library, on the same generated data, the same page and the same headless Chromium in one run.

Pure Python, no Django. Needs Playwright for Python (its own node driver; no `playwright install`: it drives the
system Chromium at /usr/bin/chromium) and the peer library's npm package.

Timing: `performance.now()` just before the library's render call, then a double `requestAnimationFrame`
(the second callback runs once the first frame with the chart has been produced). Data is fetched and parsed
before the clock starts, for both. Every run is a fresh page load; the figure is the median of `runs`.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import socketserver
import statistics
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from gongjian.bench.gantt_fixture import make_gantt_data, to_dhtmlx, to_dhtmlx_grouped, to_frappe, to_windows

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
STATIC_ROOT = Path(__file__).resolve().parents[1] / "static"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Per peer: files to copy from its npm package, and how to turn our data into its input.
PEERS = {
    "dhtmlx-gantt": {"files": ["codebase/dhtmlxgantt.js", "codebase/dhtmlxgantt.css"], "convert": to_dhtmlx,
                     "convert_e2e": to_dhtmlx_grouped},
    "frappe-gantt": {"files": ["dist/frappe-gantt.umd.js", "dist/frappe-gantt.css"], "convert": to_frappe},
}

PAGE = """<!doctype html>
<html lang="zh-hans"><head><meta charset="utf-8">
<link rel="stylesheet" href="gantt.css">
<link rel="stylesheet" href="{peer_css}">
<style>html, body {{ margin: 0; }} #chart {{ width: 1400px; height: 900px; position: relative; overflow: hidden; }}</style>
</head><body><div id="chart"></div>
<script src="gantt.js"></script>
<script src="{peer_js}"></script>
<script>
const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
window.loadData = async (name) => {{ window.DATA = await (await fetch(name)).json(); return true; }};
const draw = {{
  ours(el, data) {{ window.CHART = GongjianGantt.render(el, data, {{}}); }},
  'dhtmlx-gantt'(el, data) {{
    gantt.config.date_format = '%Y-%m-%d';
    gantt.config.columns = [{{name: 'text', label: '任务', tree: true, width: 220}},
      {{name: 'unit', label: '单位', width: 90}}, {{name: 'leader', label: '领导', width: 90}}];
    gantt.init(el);
    gantt.parse(data);
  }},
  'frappe-gantt'(el, data) {{ window.CHART = new Gantt(el, data, {{view_mode: 'Day'}}); }},
}};
window.endToEnd = async (lib, name) => {{
  // the real page's path (static/js/battle_progress.js): fetch the first window, parse it, draw with the page's
  // options (ours: groupBy town, as the page opens), then fetch and append the later windows; the peer gets the whole
  // document at once. The clock is performance.now(), which counts from navigation start. "Drawn" is the first
  // frame after the first window is rendered: that window holds a full screen of rows and group headers in display
  // order, so the user sees a complete screen then; "all" is when the last window is appended and shown.
  const el = document.getElementById('chart');
  if (lib !== 'ours') {{
    draw[lib](el, await (await fetch(name + '-0.json', {{credentials: 'same-origin'}})).json());
    await frame();
    const t = performance.now() / 1000;
    return [t, t];
  }}
  const first = await (await fetch(name + '-0.json', {{credentials: 'same-origin'}})).json();
  window.CHART = GongjianGantt.render(el, first, {{groupBy: 'town', title: '作战进度图'}});
  await frame();
  const s = window.CHART.stats, h = el.querySelector('.gg-scroller').clientHeight;
  if (s.drawnRows + s.drawnGroupHeaders < Math.min(first.total, Math.floor((h - s.headerHeight) / s.rowHeight))) {{
    throw new Error('the first window does not fill the screen');
  }}
  const drawn = performance.now() / 1000;
  let loaded = first.rows.length;
  for (let i = 1; loaded < first.total; i++) {{
    const more = await (await fetch(name + '-' + i + '.json', {{credentials: 'same-origin'}})).json();
    window.CHART.append(more);
    loaded += more.rows.length;
  }}
  await frame();
  return [drawn, performance.now() / 1000];
}};
window.measure = async (lib) => {{
  const el = document.getElementById('chart');
  const data = window.DATA;
  await frame();
  const t0 = performance.now();
  draw[lib](el, data);
  await frame();
  return (performance.now() - t0) / 1000;
}};
</script></body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve `root` over HTTP on 127.0.0.1 at a free port, in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def require_browser():
    """Playwright's sync API, or a RuntimeError saying what is missing (callers turn it into a skip)."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (and fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise RuntimeError("Playwright for Python is not installed: pip install playwright==1.65.2 "
                           "(no `playwright install` needed: it drives /usr/bin/chromium)") from exc
    return sync_playwright


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def find_peer(peer: str, peer_dir: Path | None) -> Path:
    """The peer's npm package directory: `peer_dir` itself, `peer_dir/node_modules/<peer>`, or the project's."""
    if peer not in PEERS:
        raise RuntimeError(f"unknown peer {peer!r}; known: {', '.join(PEERS)}")
    candidates = [peer_dir, peer_dir / "node_modules" / peer] if peer_dir else []
    candidates.append(PROJECT_ROOT / "node_modules" / peer)
    for path in candidates:
        if all((path / f).is_file() for f in PEERS[peer]["files"]):
            return path
    raise RuntimeError(f"{peer} not found (looked in {', '.join(str(c) for c in candidates)}): "
                       f"npm install --save-dev {peer}")


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def measure_gantt(rows_list=(5000, 50000), peer: str = "dhtmlx-gantt", static_root: Path = STATIC_ROOT,
                  peer_dir: Path | None = None, runs: int = 3, seed: int = 7) -> dict:
    """Median first-render seconds for ours and the peer at each size:
    {"ours": {5000: s, ...}, "peer": {5000: s, ...}, "peer_name": "dhtmlx-gantt 10.0.3", "browser": "Chromium …",
     "samples": {"ours": {5000: [s, s, s]}, "peer": {...}}, "json_bytes": {5000: n, ...}}."""
    sync_playwright = require_browser()
    package = find_peer(peer, peer_dir)
    version = json.loads((package / "package.json").read_text(encoding="utf-8")).get("version", "?")
    peer_files = PEERS[peer]["files"]
    samples: dict[str, dict[int, list[float]]] = {"ours": {}, "peer": {}}
    json_bytes = {}
    with tempfile.TemporaryDirectory(prefix="gantt-bench-") as tmp:
        root = Path(tmp)
        shutil.copy(static_root / "js" / "gantt.js", root / "gantt.js")
        shutil.copy(static_root / "css" / "gantt.css", root / "gantt.css")
        for f in peer_files:
            shutil.copy(package / f, root / Path(f).name)
        peer_js = next(Path(f).name for f in peer_files if f.endswith(".js"))
        peer_css = next(Path(f).name for f in peer_files if f.endswith(".css"))
        (root / "bench.html").write_text(PAGE.format(peer_js=peer_js, peer_css=peer_css), encoding="utf-8")
        for n in rows_list:
            data = make_gantt_data(n, seed=seed)
            _write_json(root / f"ours-{n}.json", data)
            _write_json(root / f"peer-{n}.json", PEERS[peer]["convert"](data))
            json_bytes[n] = (root / f"ours-{n}.json").stat().st_size
        with serve_directory(root) as base, sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                browser_name = f"Chromium {browser.version}"
                for n in rows_list:
                    for side, lib in (("ours", "ours"), ("peer", peer)):
                        samples[side][n] = [_one_run(browser, base, lib, f"{side}-{n}.json") for _ in range(runs)]
            finally:
                browser.close()
    return {
        "ours": {n: statistics.median(v) for n, v in samples["ours"].items()},
        "peer": {n: statistics.median(v) for n, v in samples["peer"].items()},
        "peer_name": f"{peer} {version}",
        "browser": browser_name,
        "samples": samples,
        "json_bytes": json_bytes,
    }


def measure_gantt_e2e(rows_list=(5000, 50000), peer: str = "dhtmlx-gantt", static_root: Path = STATIC_ROOT,
                      peer_dir: Path | None = None, runs: int = 3, seed: int = 7, first: int = 200,
                      size: int = 5000) -> dict:
    """Median seconds from navigation start to the chart drawn (page load, script load, fetch and parse of the first
    window of `first` rows, render with the page's options, first frame), ours beside the peer on the same data with
    milestones (the peer loads the whole document); also ours until every window of `size` rows is appended:
    {"ours": {n: s}, "ours_all": {n: s}, "peer": {n: s}, "peer_name", "browser", "samples",
     "json_bytes": {n: {"ours", "ours_first", "peer"}}}."""
    sync_playwright = require_browser()
    package = find_peer(peer, peer_dir)
    version = json.loads((package / "package.json").read_text(encoding="utf-8")).get("version", "?")
    peer_files = PEERS[peer]["files"]
    convert = PEERS[peer].get("convert_e2e", PEERS[peer]["convert"])
    samples: dict[str, dict[int, list[float]]] = {"ours": {}, "ours_all": {}, "peer": {}}
    json_bytes: dict[int, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="gantt-e2e-") as tmp:
        root = Path(tmp)
        shutil.copy(static_root / "js" / "gantt.js", root / "gantt.js")
        shutil.copy(static_root / "css" / "gantt.css", root / "gantt.css")
        for f in peer_files:
            shutil.copy(package / f, root / Path(f).name)
        peer_js = next(Path(f).name for f in peer_files if f.endswith(".js"))
        peer_css = next(Path(f).name for f in peer_files if f.endswith(".css"))
        (root / "bench.html").write_text(PAGE.format(peer_js=peer_js, peer_css=peer_css), encoding="utf-8")
        for n in rows_list:
            data = make_gantt_data(n, seed=seed)
            windows = to_windows(data, first, size)
            for i, window in enumerate(windows):
                _write_json(root / f"ours-{n}-{i}.json", window)
            _write_json(root / f"peer-{n}-0.json", convert(data))
            json_bytes[n] = {
                "ours": sum((root / f"ours-{n}-{i}.json").stat().st_size for i in range(len(windows))),
                "ours_first": (root / f"ours-{n}-0.json").stat().st_size,
                "peer": (root / f"peer-{n}-0.json").stat().st_size,
            }
        with serve_directory(root) as base, sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                browser_name = f"Chromium {browser.version}"
                for n in rows_list:
                    for side, lib in (("ours", "ours"), ("peer", peer)):
                        pairs = [_one_e2e(browser, base, lib, f"{side}-{n}") for _ in range(runs)]
                        samples[side][n] = [drawn for drawn, _ in pairs]
                        if side == "ours":
                            samples["ours_all"][n] = [done for _, done in pairs]
            finally:
                browser.close()
    return {
        "ours": {n: statistics.median(v) for n, v in samples["ours"].items()},
        "ours_all": {n: statistics.median(v) for n, v in samples["ours_all"].items()},
        "peer": {n: statistics.median(v) for n, v in samples["peer"].items()},
        "peer_name": f"{peer} {version}", "browser": browser_name, "samples": samples, "json_bytes": json_bytes,
    }


def _one_e2e(browser, base: str, lib: str, data_name: str) -> tuple[float, float]:
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(base + "bench.html")
        drawn, done = page.evaluate("([lib, name]) => window.endToEnd(lib, name)", [lib, data_name])
        return drawn, done
    finally:
        page.close()


def _one_run(browser, base: str, lib: str, data_name: str) -> float:
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(base + "bench.html")
        page.evaluate("(name) => window.loadData(name)", data_name)
        return page.evaluate("(lib) => window.measure(lib)", lib)
    finally:
        page.close()


def format_result(result: dict) -> str:
    """A few lines for the bench report: ours beside the peer at each size."""
    lines = [f"progress view first render (median, {result['browser']}), ours vs {result['peer_name']}:"]
    for n, ours in result["ours"].items():
        peer = result["peer"].get(n)
        peer_text = f"{peer:.3f} s" if peer is not None else "—"
        lines.append(f"  {n:>7,} rows: ours {ours:.3f} s, peer {peer_text}")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--peer", default="dhtmlx-gantt", choices=sorted(PEERS))
    parser.add_argument("--peer-dir", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(format_result(measure_gantt(tuple(args.rows), peer=args.peer, peer_dir=args.peer_dir, runs=args.runs)))
