"""What a screen reader gets: the app's AT-SPI tree, checked for unnamed controls and labels
whose text cannot be read.

Starts its own D-Bus session bus, the AT-SPI bus (at-spi-bus-launcher) and Xvfb; runs the
main window mid-session (a fake clock at the first counted repetition) with the History,
Settings, About and knee-feel windows open, in a child process with
QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1; walks the tree with the system python3 and pyatspi
(``bench/labs/atspi_walk.py``), then listens for ``object:announcement`` events while the app
announces its state line (``bench/labs/atspi_listen.py``); stops everything it started, by pid.

    python bench/labs/a11y.py [--json]     # Debian: at-spi2-core python3-pyatspi xvfb

A *control* (button, field, list, table, combo box, …) is unnamed when AT-SPI gives it no
name. A *label* is unreadable when the text it shows is found in no node's name,
description or text.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.labs import REPO, run_module
from bench.labs.xvfb import start_xvfb, stop

HERE = Path(__file__).resolve().parent
WALK = HERE / "atspi_walk.py"
LISTEN = HERE / "atspi_listen.py"
SYSTEM_PYTHON = "/usr/bin/python3"
APP_NAME = "knee-desktop"
LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
CONTROL_ROLES = {"push button", "toggle button", "check box", "radio button", "combo box",
                 "spin button", "slider", "entry", "password text", "text", "list",
                 "list box", "table", "tree table", "page tab", "progress bar", "scroll bar",
                 "calendar", "menu item", "check menu item", "radio menu item"}
SKIP_ROLES = {"scroll bar"}  # unnamed by every toolkit; read by their own value
TEXT_ROLES = {"label", "static", "heading", "paragraph", "status bar", "text", "entry"}


def _start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)


def _stop(*processes: subprocess.Popen[Any] | None) -> None:
    for p in processes:
        if p is None or p.poll() is not None:
            continue
        stop(p)
        for stream in (p.stdout, p.stderr):
            if stream is not None:
                stream.close()


def _wait_for(check: Any, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def run_lab(timeout: float = 60.0) -> dict[str, Any]:
    """Everything: start, walk, stop. The findings as a dict (see :func:`findings`)."""
    tmp = Path(tempfile.mkdtemp(prefix="a11y-lab-"))
    env = dict(os.environ)
    bus = launcher = app = None
    xvfb, display = start_xvfb("1280x900x24")
    try:
        bus = _start(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                      "--print-address=1", f"--address=unix:dir={tmp}"], env)
        assert bus.stdout is not None
        env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
                   NO_AT_BRIDGE="0", XDG_RUNTIME_DIR=str(tmp))
        env.pop("WAYLAND_DISPLAY", None)
        env.pop("AT_SPI_BUS_ADDRESS", None)
        launcher = _start([LAUNCHER, "--launch-immediately"], env)
        _wait_for(lambda: subprocess.run(
            ["gdbus", "call", "--session", "-d", "org.a11y.Bus", "-o", "/org/a11y/bus",
             "-m", "org.a11y.Bus.GetAddress"], env=env, capture_output=True,
            check=False).returncode == 0, 15, "the AT-SPI bus")
        truth = tmp / "labels.json"
        errors = tmp / "app.err"
        with errors.open("w") as err:
            app = subprocess.Popen(run_module("bench.labs.a11y", "--child", str(truth)),
                                   env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=err,
                                   text=True)
        assert app.stdout is not None
        ready, _, _ = select.select([app.stdout], [], [], timeout)
        line = app.stdout.readline() if ready else ""
        if line.strip() != "ready":
            raise RuntimeError(f"the app did not come up: {line!r} "
                               f"{errors.read_text()[-1500:]}")
        nodes: list[dict[str, Any]] = []
        for _ in range(20):  # the tree fills in as the bridge registers the windows
            walked = subprocess.run([SYSTEM_PYTHON, str(WALK), APP_NAME], env=env,
                                    capture_output=True, text=True, timeout=timeout,
                                    check=False)
            nodes = [json.loads(x) for x in walked.stdout.splitlines() if x.strip()]
            if nodes and "error" not in nodes[0] and len(nodes) > 50:
                break
            time.sleep(0.5)
        if not nodes or "error" in nodes[0]:
            raise RuntimeError(f"no AT-SPI tree: {nodes[:1]} {walked.stderr[-800:]}")
        if os.environ.get("A11Y_LAB_NODES"):  # the raw tree, for a closer look
            Path(os.environ["A11Y_LAB_NODES"]).write_text(
                "\n".join(json.dumps(n) for n in nodes))
        known = json.loads(truth.read_text())
        listened = subprocess.run([SYSTEM_PYTHON, str(LISTEN), "3"], env=env,
                                  capture_output=True, text=True, timeout=timeout, check=False)
        events = [json.loads(x) for x in listened.stdout.splitlines() if x.strip()]
        announced = sorted({e["text"] for e in events if "text" in e})
        return {**findings(nodes, known["labels"]), "main_focus": known["main_focus"],
                "announcements": announced}
    finally:
        _stop(app, launcher, bus)
        stop(xvfb)
        shutil.rmtree(tmp, ignore_errors=True)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def findings(nodes: list[dict[str, Any]], labels: list[dict[str, str]]) -> dict[str, Any]:
    unnamed = [n for n in nodes if n["showing"] and n["role"] in CONTROL_ROLES
               and n["role"] not in SKIP_ROLES and not _norm(n["name"])]
    def said(n: dict[str, Any]) -> str:
        return _norm(" ".join(str(n.get(k) or "") for k in ("name", "description", "text")))

    def readable(label: dict[str, str]) -> bool:
        """Its own node (named by its accessible name, else by its text) carries its text."""
        name = _norm(label["accessible_name"] or label["text"])
        text = _norm(label["text"])
        return any(n["role"] in TEXT_ROLES and _norm(n["name"]) == name and text in said(n)
                   for n in nodes)

    unreadable = [label for label in labels if not readable(label)]
    return {"nodes": len(nodes),
            "controls": sum(1 for n in nodes if n["showing"] and n["role"] in CONTROL_ROLES
                            and n["role"] not in SKIP_ROLES),
            "unnamed_controls": [{k: n[k] for k in ("role", "window", "description", "path")}
                                 for n in unnamed],
            "labels": len(labels),
            "unreadable_labels": unreadable,
            "focused": [f"{n['role']} {n['name']!r}" for n in nodes if n["focused"]]}


# ---- inside Xvfb, on the private buses --------------------------------------------------------
def child(truth: Path) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QTextDocument
    from PySide6.QtWidgets import QApplication, QLabel

    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.runtime.timers import FakeTimers
    from knee_desktop.runtime.voice_base import SilentVoice
    from knee_desktop.session.clock import FakeClock
    from knee_desktop.ui.app.a11y import Announcer
    from knee_desktop.ui.app.launch import make_app
    from knee_desktop.ui.dialogs.about import AboutDialog
    from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog
    from knee_desktop.ui.history.window import HistoryWindow
    from knee_desktop.ui.session.main_window import MainWindow
    from knee_desktop.ui.settings.dialog import SettingsDialog

    home = truth.parent / "home"
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(home / sub)
    app = make_app([APP_NAME])
    timers = FakeTimers(FakeClock())
    window = MainWindow(load_catalog(), SilentVoice, timers=timers,
                        settings=PlanSettings(lead_in_seconds=1))
    window.show()
    session = window.start_session()
    timeline = window.timeline
    assert timeline is not None and session is not None
    first = next(e for e in timeline.events if e.kind == "rep")
    timers.advance_until(lambda: session.position() >= first.t + 0.1)
    window.driver.toggle_pause()  # still: the labels keep their text while walked
    idle = MainWindow(load_catalog(), SilentVoice)  # the routine page, before a session
    idle.setWindowTitle("Knee routine, idle")
    idle.show()
    history = HistoryWindow()
    history.show()
    settings = SettingsDialog(UserSettings(), None, window)
    settings.show()
    about = AboutDialog(window)
    about.show()
    feel = KneeFeelDialog(window, when="after")
    feel.show()

    def dump() -> None:
        labels = []
        for top in QApplication.topLevelWidgets():
            if not top.isVisible():
                continue
            for label in top.findChildren(QLabel):
                if label.window() is not top or not label.isVisible() \
                        or not label.text().strip():
                    continue
                text, fmt = label.text(), label.textFormat()
                doc = QTextDocument()
                if fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText
                                                     and re.search(r"<[a-zA-Z]", text)):
                    doc.setHtml(text)
                    text = doc.toPlainText()
                if label.buddy() is not None:  # "&Charts:" shows "Charts:"
                    text = re.sub(r"&(&?)", r"\1", text)
                labels.append({"window": top.windowTitle(), "name": label.objectName(),
                               "accessible_name": label.accessibleName(),
                               "text": text.replace("\u2028", " ")})
        focus = window.focusWidget()
        truth.write_text(json.dumps({"labels": labels,
                                     "main_focus": focus.objectName() if focus else ""}))
        print("ready", flush=True)

    announcer = Announcer(window, lambda: "both", ask=lambda answer: answer(False))
    announcer.decide()
    announce = QTimer()
    announce.timeout.connect(lambda: announcer.announce(window.session_view.status.text()))
    announce.start(300)  # the state line, politely, again and again: the listener hears it
    QTimer.singleShot(1500, dump)
    return app.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    result = run_lab()
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"{result['nodes']} AT-SPI nodes, {result['controls']} controls showing, "
          f"{result['labels']} labels with text")
    print(f"unnamed controls: {len(result['unnamed_controls'])}")
    for n in result["unnamed_controls"]:
        print(f"  {n['role']} in {n['window']!r} at {n['path'][-90:]}")
    print(f"unreadable labels: {len(result['unreadable_labels'])}")
    for label in result["unreadable_labels"]:
        print(f"  {label['window']!r} {label['name'] or '(no object name)'}: "
              f"{label['text'][:70]!r}")
    print("focus in the main window during the session:", result["main_focus"] or "none")
    print("announcements heard by an AT-SPI listener:", result["announcements"] or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
