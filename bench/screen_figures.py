"""The session screen's figures (issue 12): default window size, the count's height as a
share of the window, and contrast ratios of the main colour pairs per palette.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.screen_figures

Offscreen, fake timers, silent voice: a session is stepped to its first counted sweep and
the count label is measured at the default size and at 1366×768 and 1920×1080.
"""

from __future__ import annotations

import os
import statistics
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    from PySide6.QtGui import QColor, QFontMetricsF, QPalette
    from PySide6.QtWidgets import QApplication

    from bench.labs.stand_ins import NoInhibit
    from knee_desktop.plan.settings import PlanSettings
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.runtime.timers import FakeTimers
    from knee_desktop.runtime.voice_base import SilentVoice
    from knee_desktop.ui.app.launch import make_app
    from knee_desktop.ui.diagram.colours import colours_for
    from knee_desktop.ui.plain_text import guard_plain_text
    from knee_desktop.ui.session.main_window import MainWindow
    from knee_desktop.ui.theme import PALETTE_NAMES, contrast, named_palette


    app = make_app()
    guard_plain_text(app, "Fusion")
    timers = FakeTimers()
    window = MainWindow(load_catalog(), SilentVoice, timers=timers, settings=PlanSettings(),
                        inhibitor=NoInhibit())  # type: ignore[arg-type]
    window.show()
    app.processEvents()
    print(f"default window size: {window.width()}×{window.height()}")
    window.start_session()
    timeline = window.timeline
    assert timeline is not None
    rep = next(e for e in timeline.events if e.kind == "rep")
    session = window.driver.session
    assert session is not None
    timers.advance(max(0.0, session.time_of(rep.t + 0.05) - timers.clock.now()))
    count = window.session_view.count
    for size in (None, (1366, 768), (1920, 1080), (3840, 2160)):
        if size is not None:
            window.resize(*size)
        app.processEvents()
        metrics = QFontMetricsF(count.font())
        digits = metrics.tightBoundingRect("10").height()
        print(f"count at {window.width()}×{window.height()}: text {count.text()!r}, "
              f"digit height {digits:.0f} px = {100 * digits / window.height():.1f} % of the "
              f"window; line height {metrics.height():.0f} px = "
              f"{100 * metrics.height() / window.height():.1f} %")
    ratios: list[float] = []
    for name in PALETTE_NAMES:
        QApplication.setPalette(named_palette(name))
        app.processEvents()
        pal = window.session_view.palette()
        win = pal.color(QPalette.ColorRole.Window)
        diagram = colours_for(window.session_view.diagram.palette())
        pairs: list[tuple[str, QColor, QColor]] = [
            ("instruction text / window", window.session_view.instruction.palette().color(
                QPalette.ColorRole.WindowText), win),
            ("count / window", count.palette().color(QPalette.ColorRole.WindowText), win),
            ("highlighted step", pal.color(QPalette.ColorRole.HighlightedText),
             pal.color(QPalette.ColorRole.Highlight)),
            ("diagram working leg / background", diagram.accent, diagram.background),
            ("diagram ring / background", diagram.ring, diagram.background),
            ("diagram text / background", diagram.text, diagram.background),
        ]
        for label, fg, bg in pairs:
            ratio = contrast(fg, bg)
            ratios.append(ratio)
            print(f"{name:13} {label:34} {fg.name()} on {bg.name()}: {ratio:.2f}:1")
    print(f"median contrast of the pairs above: {statistics.median(ratios):.2f}:1")
    knee_feel_contrast(app)
    window.driver.close()  # no "stop and close?" question
    window.close()
    return 0


def knee_feel_contrast(app: object) -> None:
    """Rendered: each knee-feel part's text against its own background, per palette."""
    from collections import Counter

    from PySide6.QtGui import QColor, QImage
    from PySide6.QtWidgets import QApplication, QLabel

    from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog
    from knee_desktop.ui.theme import PALETTE_NAMES, contrast, named_palette

    def rendered(widget: object) -> float:
        image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)  # type: ignore[attr-defined]
        inner = [image.pixel(x, y) for y in range(6, image.height() - 8)
                 for x in range(6, image.width() - 6)]
        background = QColor(Counter(inner).most_common(1)[0][0])
        return max(contrast(QColor(p), background) for p in set(inner))

    for name in PALETTE_NAMES:
        QApplication.setPalette(named_palette(name))
        dialog = KneeFeelDialog(when="before")
        dialog.show()
        QApplication.processEvents()
        dialog.buttons.button(7).setChecked(True)
        hint = dialog.findChild(QLabel, "hint")
        print(f"{name:13} knee feel: digit {rendered(dialog.buttons.button(3)):.2f}:1, "
              f"chosen digit {rendered(dialog.buttons.button(7)):.2f}:1, "
              f"hint {rendered(hint):.2f}:1")
        dialog.close()


if __name__ == "__main__":
    sys.exit(main())
