# The two commands: `make run` and `make test`. Everything they need is installed here, idempotently.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
GONGJIAN := $(VENV)/bin/gongjian
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test lint demo worker bench clean browser

$(VENV)/.deps: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.deps: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.deps node_modules/.deps
	$(GONGJIAN) migrate --noinput -v 0

demo: install
	$(GONGJIAN) demo

run: install
	GONGJIAN_TODAY=2023-03-31 $(GONGJIAN) demo
	@echo ""
	@echo "攻坚 is at http://$(HOST):$(PORT)/  (Ctrl-C stops the web server and the job worker)"
	@echo ""
	GONGJIAN_TODAY=2023-03-31 GONGJIAN_CITY_NAME=莱西市 $(GONGJIAN) serve --host $(HOST) --port $(PORT)

worker: install
	$(GONGJIAN) worker

# Browser tests drive Debian's Chromium (Playwright never downloads a browser here). Installed when we are root;
# elsewhere the browser tests skip with a message, except under CI, where a missing browser fails them.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

test: install browser
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(PY) -m mypy

SCALE ?= county
bench: install
	$(GONGJIAN) bench --scale $(SCALE) --json var/bench/$(SCALE).json --markdown

clean:
	rm -rf $(VENV) node_modules var
