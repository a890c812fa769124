"""The HTTP benchmarks measure the app server as deployed: `gongjian serve` with its default workers and threads, which
the results name; no benchmark starts gunicorn with counts of its own (open311 once ran 1 × 8 while its docstring and
every other benchmark said 2 × 4)."""

from pathlib import Path

from gongjian.bench import web
from gongjian.ops.management.commands import serve

BENCH = Path(web.__file__).parent


def test_serve_defaults_are_the_benchmarked_ones():
    options = serve.Command().create_parser("gongjian", "serve").parse_args([])
    assert (options.web_workers, options.threads) == (serve.DEFAULT_WEB_WORKERS, serve.DEFAULT_THREADS)
    assert f"{serve.DEFAULT_WEB_WORKERS} gunicorn workers (sync)" in web.server_config()
    workers, threads = serve.DEFAULT_WEB_WORKERS, serve.DEFAULT_THREADS
    assert workers == serve._cores() + 1 and threads == 1


def test_no_benchmark_starts_gunicorn_with_counts_of_its_own():
    for module in BENCH.glob("*.py"):
        source = module.read_text()
        assert "gongjian.wsgi" not in source, module.name
        assert '"--threads"' not in source and '"--workers"' not in source, module.name
