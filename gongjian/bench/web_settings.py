"""Settings for the app servers the HTTP benchmarks start: the real settings, plus one bench-only view (web_urls)."""

from gongjian.settings import *  # noqa: F403

ROOT_URLCONF = "gongjian.bench.web_urls"
