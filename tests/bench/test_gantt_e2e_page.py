"""The Gantt end-to-end bench's own page (gongjian/bench/gantt_bench.py) at a small size, in its own module: it
starts its own Playwright, which cannot run beside another module's."""

import pytest


@pytest.mark.browser
def test_end_to_end_bench_times_the_first_window_then_all_rows():
    """The bench's own page at a small size: ours is drawn when its first window is, and all rows come later."""
    from gongjian.bench.gantt_bench import find_peer, measure_gantt_e2e, require_browser

    try:
        require_browser()
        find_peer("dhtmlx-gantt", None)
    except RuntimeError as exc:
        pytest.skip(str(exc))
    result = measure_gantt_e2e((600,), runs=1, first=40, size=200)
    assert 0 < result["ours"][600] <= result["ours_all"][600]
    sizes = result["json_bytes"][600]
    assert sizes["ours_first"] < sizes["ours"] / 5 and len(result["samples"]["ours"][600]) == 1
