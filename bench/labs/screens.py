"""Render the main screens at a size and palette and list what a user could not read:
clipped or elided text, a window forced larger than asked, low-contrast colour pairs.

Used in-process by ``test_screen_fit.py`` and, for ``QT_SCALE_FACTOR=2`` (which must be
set before Qt starts), by a child interpreter running ``python bench/labs/screens.py``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLayout,
    QWidget,
)

from bench.labs.stand_ins import NoInhibit
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.runtime.voice_base import SilentVoice
from knee_desktop.ui.diagram.colours import colours_for
from knee_desktop.ui.session.main_window import MainWindow
from knee_desktop.ui.theme import contrast, named_palette

SCREENS = ("idle", "sweep", "circle", "still", "press", "finished")
FindDirect = Qt.FindChildOption.FindDirectChildrenOnly


def make_window() -> tuple[MainWindow, FakeTimers]:
    timers = FakeTimers()
    window = MainWindow(load_catalog(), SilentVoice, timers=timers, settings=PlanSettings(),
                        inhibitor=NoInhibit())  # type: ignore[arg-type]
    return window, timers


def go_to_screen(window: MainWindow, timers: FakeTimers, screen: str) -> None:
    """From a fresh window to one of :data:`SCREENS` (a session walked on the fake timers)."""
    routine = "thigh-massage" if screen == "press" else "windshield-wiper"
    window.choose_routine(routine)
    if screen == "idle":
        return
    window.start_session()
    # Only the last picture is checked: a frame each five seconds on the way, not 60 a second
    # (every cue still fires at its own time; the frame at the end is emitted below).
    window.controller.frame_seconds = 5.0
    timeline = window.timeline
    assert timeline is not None
    events = timeline.events
    if screen == "finished":
        target = timeline.duration + 0.5
    elif screen == "still":
        target = next(e for e in events if e.kind == "still").t + 3.5
    elif screen == "press":
        target = [e for e in events if e.kind == "press"][2].t + 3.2
    else:
        movement = "sweep-left" if screen == "sweep" else "circle-clockwise"
        rep = next(e for e in events if e.kind == "rep" and e.movement == movement
                   and e.rep == 10)
        target = rep.move_start + 0.3 * (rep.duration or 0)
    driver = window.driver
    if driver.session is not None and driver.active:
        timers.advance(max(0.0, driver.session.time_of(target) - timers.clock.now()))
    window.controller.emit_frame()


def visible_in(widget: QWidget, window: QWidget) -> QRect:
    """The part of ``widget`` its window actually shows (scroll areas clip their page)."""
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if parent.objectName() == "qt_scrollarea_viewport":
            rect = rect.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    return rect.intersected(window.rect())


def clipped(window: QWidget) -> list[str]:
    """Visible labels and buttons whose text needs more room than they have."""
    problems: list[str] = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text() or label.width() <= 0:
            continue
        name = label.objectName() or label.text()[:30]
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height() + 1:
                problems.append(f"{name}: needs {need} px high, has {label.height()}")
        else:
            hint = label.minimumSizeHint()
            if hint.width() > label.width() + 1 or hint.height() > label.height() + 1:
                problems.append(f"{name}: needs {hint.width()}×{hint.height()}, "
                                f"has {label.width()}×{label.height()}")
        if "…" in label.text() and "…" not in label.toolTip():
            problems.append(f"{name}: elided")
    for widget in (*window.findChildren(QLabel), *window.findChildren(QAbstractButton),
                   *window.findChildren(QComboBox)):
        shown = visible_in(widget, window)
        if widget.isVisibleTo(window) and not shown.isEmpty() and shown.width() < widget.width():
            problems.append(f"{widget.objectName() or type(widget).__name__}: cut at the side")
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or not button.text():
            continue
        hint = button.minimumSizeHint()
        if hint.width() > button.width() + 1 or hint.height() > button.height() + 1:
            problems.append(f"button {button.text()!r}: needs {hint.width()}×{hint.height()}, "
                            f"has {button.width()}×{button.height()}")
    return problems


def overlapping(window: QWidget) -> list[str]:
    """Pairs of visible widgets that one layout placed over each other: a layout squeezed
    below its minimum (a splitter pane too small for what it holds) stacks its widgets,
    and the later one is painted over the earlier one's words."""
    problems: list[str] = []
    for parent in (window, *window.findChildren(QWidget)):
        layout_ = parent.layout()
        if layout_ is None or not parent.isVisibleTo(window):
            continue
        placed = [w for w in parent.findChildren(QWidget, options=FindDirect)
                  if w.isVisibleTo(window) and not w.isWindow()
                  and (layout_.indexOf(w) >= 0 or _in_sublayout(layout_, w))]
        for i, first in enumerate(placed):
            for second in placed[i + 1:]:
                if first.geometry().intersects(second.geometry()):
                    problems.append(f"{_name(first)} and {_name(second)} overlap in "
                                    f"{_name(parent)}")
    return problems


def _in_sublayout(layout_: QLayout, widget: QWidget) -> bool:
    for i in range(layout_.count()):
        item = layout_.itemAt(i)
        inner = item.layout() if item is not None else None
        if inner is not None and (inner.indexOf(widget) >= 0 or _in_sublayout(inner, widget)):
            return True
    return False


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def low_contrast(window: MainWindow) -> list[str]:
    """The named colour pairs of the screens, with their WCAG ratios below AA."""
    pal = window.palette()
    role = QPalette.ColorRole
    diagram = colours_for(window.session_view.diagram.palette())
    pairs = [
        ("text on window", pal.color(role.WindowText), pal.color(role.Window), 4.5),
        ("text on base", pal.color(role.Text), pal.color(role.Base), 4.5),
        ("button text", pal.color(role.ButtonText), pal.color(role.Button), 4.5),
        ("current step", pal.color(role.HighlightedText), pal.color(role.Highlight), 4.5),
        ("current step, list unfocused",
         window.steps.palette().color(QPalette.ColorGroup.Inactive, role.HighlightedText),
         window.steps.palette().color(QPalette.ColorGroup.Inactive, role.Highlight), 4.5),
        ("safety box", pal.color(role.Text), pal.color(role.AlternateBase), 4.5),
        ("diagram text", diagram.text, diagram.background, 4.5),
        ("working leg", diagram.accent, diagram.background, 3.0),
        ("leg outline on its fill", diagram.text, diagram.rest, 3.0),
        ("guide path", diagram.faint, diagram.background, 3.0),
        ("countdown ring", diagram.ring, diagram.background, 3.0),
        ("focus (highlight on window)", pal.color(role.Highlight), pal.color(role.Window), 3.0),
    ]
    return [f"{name}: {fg.name()} on {bg.name()} = {contrast(fg, bg):.2f}:1 < {need}:1"
            for name, fg, bg, need in pairs if contrast(fg, bg) < need]


def layout(window: QWidget) -> list[tuple[str, int, int, int, int]]:
    """Where every visible widget is, in window coordinates."""
    out = []
    for widget in window.findChildren(QWidget):
        if widget.isVisibleTo(window):
            at = widget.mapTo(window, QPoint(0, 0))
            out.append((widget.objectName() or type(widget).__name__, at.x(), at.y(),
                        widget.width(), widget.height()))
    return out


def check(screen: str, size: tuple[int, int], palette: str) -> dict[str, object]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    QApplication.setPalette(named_palette(palette))
    window, timers = make_window()
    try:
        window.resize(*size)
        window.show()
        go_to_screen(window, timers, screen)
        for _ in range(3):
            app.processEvents()
        safety = window.routine_panel.safety
        hidden_safety = screen == "idle" and \
            visible_in(safety, window).height() < safety.height()
        return {"screen": screen, "size": [window.width(), window.height()],
                "asked": list(size), "clipped": clipped(window) + overlapping(window),
                "contrast": low_contrast(window), "safety_cut": hidden_safety,
                "layout": layout(window)}
    finally:
        window.driver.close()  # a session ends without the "stop and close?" question
        window.close()
        window.deleteLater()
        app.processEvents()


if __name__ == "__main__":  # a child with QT_SCALE_FACTOR set: sizes in device pixels
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qapp = QApplication(sys.argv[:1])
    from knee_desktop.ui.plain_text import guard_plain_text

    guard_plain_text(qapp, "Fusion")
    scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
    out = []
    for arg in sys.argv[1:]:
        w, h, pal = arg.split(":")
        logical = (round(int(w) / scale), round(int(h) / scale))
        out.extend(check(s, logical, pal) for s in SCREENS)
    print(json.dumps(out))


@contextmanager
def system_font(app: QApplication, scale: float) -> Iterator[None]:
    """The whole app's font at ``scale`` times the usual (at least 9 pt) size."""
    font = app.font()
    large = app.font()
    large.setPointSizeF(max(font.pointSizeF(), 9.0) * scale)
    app.setFont(large)
    try:
        yield
    finally:
        app.setFont(font)
