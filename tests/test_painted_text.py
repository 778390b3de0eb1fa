"""Painted words are never cut: every step of both routines, in the real window at
640×480, 1366×768 and 3840×2160, with the usual font and one twice its size.

Widgets' words are checked by tests/test_screen_fit.py; the words the diagram paints (the
side words, the sweep's angle, the small view's words, the thigh's labels and seconds) and
the count, which paints its own two sizes, are not widgets' text: each painted word is
logged where it was drawn, with the room it needed at the size it got
(``LegDiagram.painted_texts``), and the count's words are measured against its box.
Before, "LEFT LEG · Get ready: lie on your back, toes to the ceiling" and "Find the next
tender spot" were painted cut in half, windowed and in full screen.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from bench.labs.screens import clipped, make_window, system_font
from knee_desktop.plan.timeline import Timeline
from knee_desktop.ui.session.session_panel import CountLabel

SIZES = [(640, 480), (1366, 768), (3840, 2160)]


def moments(timeline: Timeline) -> list[float]:
    """A moment in every step (its start, its middle) and in every hold and repetition
    kind: each pose kind, movement and leg the picture has."""
    seen: set[tuple[object, ...]] = set()
    out: list[float] = []
    for span in timeline.steps:
        out += [span.start + 0.3, (span.start + span.end) / 2]
    for event in timeline.events:
        key = (event.kind, event.movement, event.leg)
        if key not in seen:
            seen.add(key)
            out.append(event.t + 0.5)
    return sorted(t for t in set(out) if t < timeline.duration)


def count_fits(label: CountLabel) -> bool:
    if not label.isVisible() or not label.text():
        return True
    from PySide6.QtGui import QFontMetrics

    room = label.contentsRect()
    return (CountLabel.advance(label.font(), label.text()) <= room.width() + 1
            and QFontMetrics(label.font()).height() <= room.height() + 1)


@pytest.mark.parametrize("routine", ["windshield-wiper", "thigh-massage"])
@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["font-1x", "font-2x"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_painted_word_is_cut(qtbot, monkeypatch, size, scale, routine):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    with system_font(app, scale):
        window, timers = make_window()
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        window.choose_routine(routine)
        window.start_session()
        window.controller.frame_seconds = 5.0  # only the moments below are looked at
        session = window.driver.session
        assert session is not None and window.timeline is not None
        view = window.session_view
        problems: list[str] = []
        checked = 0
        for t in moments(window.timeline):
            if not window.driver.active:
                break
            timers.advance(max(0.0, session.time_of(t) - timers.clock.now()))
            window.controller.emit_frame()
            app.processEvents()
            view.diagram.grab()  # paints it whole: static layer and frame
            pose = view.diagram.pose()
            texts = view.diagram.painted_texts()
            checked += len(texts)
            where = f"t={t:.1f} {pose.kind} {pose.leg} {pose.movement}"
            area = view.diagram.rect().toRectF()
            problems += [f"{where}: {p.text!r} needs {p.needed.width():.0f}×"
                         f"{p.needed.height():.0f} at {p.pixels}px, has "
                         f"{p.box.width():.0f}×{p.box.height():.0f}"
                         for p in texts if not p.fits or not area.contains(p.needed)]
            if not count_fits(view.count):
                problems.append(f"{where}: count {view.count.text()!r} cut")
            problems += [f"{where}: {p}" for p in clipped(window)]
        window.driver.close()
        window.close()
    assert checked > 20  # the side words alone are two a moment
    assert problems == [], "\n".join(problems)
