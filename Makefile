# `make run` and `make test` work on a fresh Debian 12 / Ubuntu machine: they install
# what is missing (system packages, then .venv/), then open the app / run the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test deps system-deps lint typecheck pytest clean

run: deps
	$(VENV)/bin/knee-desktop

test: deps lint typecheck pytest

deps: system-deps $(STAMP)

system-deps:
	@bash packaging/system-deps.sh

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

lint: $(STAMP)
	$(VENV)/bin/ruff check knee_desktop tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy knee_desktop

pytest: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

.PHONY: screenshots bench-window
# The real window under its own Xvfb at several moments of a session: PNGs in screenshots/.
screenshots: $(STAMP)
	$(PY) bench/screenshots.py --out screenshots

# CPU of the whole app during a session and at idle, and launch-to-window time (medians).
bench-window: $(STAMP)
	$(PY) bench/window.py
