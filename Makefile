# `make run` and `make test` work on a fresh Debian 12 / Ubuntu machine: they install
# what is missing (system packages, then .venv/), then open the app / run the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test deps system-deps lint typecheck pytest clean bench-cues bench-cues-quick

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

# Cue timing, heard vs due, for the app and a naive pyttsx3 loop: a full two-leg session
# (about 8 minutes each, so ~17 minutes). bench-cues-quick: a short one-leg session.
bench-cues: $(STAMP)
	$(PY) -m bench.cue_timing

bench-cues-quick: $(STAMP)
	$(PY) -m bench.cue_timing --quick

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
