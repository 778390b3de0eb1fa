"""The main screens at small and large sizes, light, dark and high-contrast palettes, a
large system font and a scale factor of 2: no clipped or elided text, no widget over
another, the window never forced larger than asked, the safety box fully shown, the named
colour pairs WCAG AA. The history window the same from 640×480 up; the Settings, About and
knee-question dialogs whole, on the screen and by Tab, at larger fonts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from bench.labs import REPO, run_module
from bench.labs.screens import (
    SCREENS,
    check,
    clipped,
    overlapping,
    system_font,
    visible_in,
)
from knee_desktop.ui.plain_text import guard_plain_text, style_name
from knee_desktop.ui.theme import PALETTE_NAMES

SIZES = [(640, 480), (1280, 720), (1366, 768), (3840, 2160)]


def assert_fits(result: dict[str, object]) -> None:
    assert result["size"] == result["asked"], result
    assert result["clipped"] == [], result
    assert result["contrast"] == [], result
    assert not result["safety_cut"], result


@pytest.fixture(scope="module")
def fusion(qapp):
    """Fusion for the whole file: setting a style costs 0.1 s, twice per test before."""
    style = style_name(qapp)
    palette = qapp.palette()
    guard_plain_text(qapp, "Fusion")  # the app's guard stays: labels are plain text
    yield qapp
    guard_plain_text(qapp, style)
    QApplication.setPalette(palette)


def tab_to(qtbot, start, target) -> None:
    """Focus ``start``, then press Tab until ``target`` has the focus (or fail)."""
    start.setFocus()
    for _ in range(40):
        focus = QApplication.focusWidget()
        assert focus is not None  # (QTest aborts on a key sent to no widget)
        if focus is target:
            return
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is target


@pytest.fixture(autouse=True)
def same_palette(fusion):
    """Each test starts from the palette the file started with (a check sets its own)."""
    palette = fusion.palette()
    yield
    QApplication.setPalette(palette)


def test_screens_fit_in_every_palette_and_a_palette_moves_nothing(fusion):
    """Every palette at the smallest size. A palette sets colours only, no font or metric:
    each screen's widgets sit exactly where they sit in the other palettes, so the larger
    sizes below need one palette each (all twelve pairs were three times the same layouts)."""
    layouts: dict[str, list[object]] = {}
    for palette in PALETTE_NAMES:
        for screen in SCREENS:
            result = check(screen, SIZES[0], palette)
            assert_fits(result)
            layouts.setdefault(screen, []).append(result["layout"])
    for screen, seen in layouts.items():
        assert seen[0], screen
        for palette, other in zip(PALETTE_NAMES[1:], seen[1:], strict=True):
            moved = [w for w, was in zip(other, seen[0], strict=False) if w != was]
            assert other == seen[0], (screen, palette, moved[:3])


@pytest.mark.parametrize("size, palette", list(zip(SIZES[1:], PALETTE_NAMES[::-1], strict=True)),
                         ids=lambda v: f"{v[0]}x{v[1]}" if isinstance(v, tuple) else v)
def test_screens_fit_at_every_size(fusion, size, palette):
    for screen in SCREENS:
        assert_fits(check(screen, size, palette))


@pytest.mark.parametrize("size", [(640, 480), (1366, 768)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_screens_fit_with_a_large_system_font(fusion, size):
    with system_font(fusion, 1.5):
        for screen in SCREENS:
            assert_fits(check(screen, size, "light"))


@pytest.mark.slow
def test_screens_fit_at_scale_factor_two():
    """Qt reads QT_SCALE_FACTOR at start-up: a child interpreter renders the screens on a
    1366×768 and a 3840×2160 screen (device pixels) at 200 %."""
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(run_module("bench.labs.screens", "1366:768:dark", "3840:2160:light"),
                         env=env, cwd=REPO, capture_output=True, text=True, timeout=240,
                         check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(results) == 2 * len(SCREENS)
    for result in results:
        assert_fits(result)


def text_contrast(widget) -> float:
    """Rendered: the contrast between a widget's commonest colour (its background) and
    the colour farthest from it (its text)."""
    from collections import Counter

    from PySide6.QtGui import QColor, QImage

    from knee_desktop.ui.theme import contrast

    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    inner = [image.pixel(x, y) for y in range(6, image.height() - 8)
             for x in range(6, image.width() - 6)]
    background = QColor(Counter(inner).most_common(1)[0][0])
    return max(contrast(QColor(p), background) for p in set(inner))


@pytest.mark.parametrize("palette", PALETTE_NAMES)
def test_knee_feel_digits_and_hint_are_readable_in_every_palette(fusion, qtbot, palette):
    from PySide6.QtWidgets import QLabel

    from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog
    from knee_desktop.ui.theme import named_palette

    QApplication.setPalette(named_palette(palette))
    dialog = KneeFeelDialog(when="before")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    unchecked, checked = dialog.buttons.button(3), dialog.buttons.button(7)
    checked.setChecked(True)
    assert text_contrast(unchecked) >= 4.5
    assert text_contrast(checked) >= 4.5
    hint = dialog.findChild(QLabel, "hint")
    assert text_contrast(hint) >= 4.5
    dialog.reject()


HISTORY_SIZES = [(640, 480), (800, 560), (1366, 768)]


def history_at(qtbot, tmp_path, size: tuple[int, int]):
    from bench.labs.history_data import lived_in_history
    from knee_desktop.ui.history.window import HistoryWindow

    tmp_path.mkdir(parents=True, exist_ok=True)
    window = HistoryWindow(lived_in_history(tmp_path / "h.sqlite3", days=120, seed=3))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(3):
        QApplication.processEvents()
    return window


def assert_history_fits(window, size: tuple[int, int]) -> None:
    from PySide6.QtGui import QFontMetrics

    assert (window.width(), window.height()) == size
    assert overlapping(window) == []
    assert clipped(window) == []
    for view in (window.weekly_chart, window.feel_chart):
        chart = view.chart()
        room = view.width() - chart.margins().left() - chart.margins().right()
        assert QFontMetrics(chart.titleFont()).horizontalAdvance(chart.title()) <= room, \
            (chart.title(), room)


@pytest.mark.parametrize("size", HISTORY_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_history_window_fits_small_and_large_windows(fusion, qtbot, tmp_path, size):
    """At 800×560 the charts were squeezed over their words and the window forced to
    905 px wide. Now the calendar and charts sit side by side from 800 px wide, one above
    the other below that, and their pane scrolls; a chart title is never cut."""
    window = history_at(qtbot, tmp_path, size)
    assert_history_fits(window, size)
    assert window.charts.stacked() == (size[0] < 800)
    if size[0] >= 1366:
        assert window.table.horizontalScrollBar().maximum() == 0  # every column whole


def test_history_charts_grow_with_a_large_system_font(fusion, qtbot, tmp_path):
    """A chart's least size follows the font (a fixed 200 px left a 1.5× font's axis
    numbers cut to "…"); the pane stacks the charts sooner rather than squeeze them."""
    normal = history_at(qtbot, tmp_path / "a", (1366, 768)).weekly_chart.minimumSize()
    with system_font(fusion, 1.5):
        for size, stacked in (((1366, 768), False), ((800, 560), True)):
            window = history_at(qtbot, tmp_path / f"{size[0]}", size)
            assert_history_fits(window, size)
            assert window.charts.stacked() == stacked
            grown = window.weekly_chart.minimumSize()
            assert grown.height() >= 1.4 * normal.height(), (grown, normal)
            assert grown.width() >= 1.4 * normal.width(), (grown, normal)


def test_history_charts_reached_by_tab_in_a_small_window(fusion, qtbot, tmp_path):
    """Stacked in a small window, the chart words below the pane's fold scroll into view
    as Tab reaches them."""
    window = history_at(qtbot, tmp_path, (640, 480))
    window.activateWindow()
    qtbot.waitActive(window)
    feel_text = window.chart_texts[2]
    assert visible_in(feel_text, window).height() < feel_text.height()  # below the fold
    tab_to(qtbot, window.table, feel_text)
    assert visible_in(feel_text, window).height() == feel_text.height()


def settings_dialog(qtbot):
    from knee_desktop.prefs.user_settings import UserSettings
    from knee_desktop.ui.settings.dialog import SettingsDialog

    voices = [sys.executable, "-c", "print('{\"default\": \"en\", \"voices\": []}')"]
    dialog = SettingsDialog(UserSettings(), voice_command=voices)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.voice_status.text().startswith("Looking"))
    return dialog


def test_settings_dialog_opens_whole_with_the_usual_font(fusion, qtbot):
    """Every setting in view at once, nothing cut (Qt's own first size for a window is two
    thirds of the screen: the dialog sizes itself)."""
    dialog = settings_dialog(qtbot)
    assert dialog.page_area.verticalScrollBar().maximum() == 0
    # ...and on the commonest small laptop screen, 1366×768 less a 28 px panel and a title
    # bar, it opens without scrolling too.
    from knee_desktop.ui.screen_room import FRAME

    assert dialog.height() <= 768 - 28 - FRAME.height(), dialog.size()
    assert dialog.page_area.horizontalScrollBar().maximum() == 0
    assert overlapping(dialog) == [] and clipped(dialog) == []
    dialog.reject()


def test_settings_dialog_on_a_screen_too_low_for_it(fusion, qtbot):
    """With a 1.5× font the settings are taller than the (800 px) screen: the dialog stays
    on it, Save and Cancel in view, and Tab scrolls each setting into view."""
    from PySide6.QtWidgets import QDialogButtonBox

    with system_font(fusion, 1.5):
        dialog = settings_dialog(qtbot)
        room = dialog.screen().availableGeometry()
        assert dialog.height() <= room.height() and dialog.width() <= room.width()
        assert dialog.page.height() > dialog.page_area.viewport().height()  # it does scroll
        assert overlapping(dialog) == []
        for which in (QDialogButtonBox.StandardButton.Save,
                      QDialogButtonBox.StandardButton.Cancel):
            button = dialog.buttons.button(which)
            assert visible_in(button, dialog).size() == button.size()
        dialog.activateWindow()
        qtbot.waitActive(dialog)
        last = dialog.reminder_on  # the last setting Tab reaches (the days wait for it)
        assert visible_in(last, dialog).height() < last.height()  # below the fold
        tab_to(qtbot, dialog.voice, last)
        assert visible_in(last, dialog).height() == last.height()
        dialog.reject()


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_about_and_knee_question_show_every_word_at_any_font(fusion, qtbot, scale):
    """With a 1.5× font the About dialog opened 533×363 and cut its safety words ("…not
    a replacement for your doctor. If you") in half; it now sizes itself to its words."""
    from knee_desktop.ui.dialogs.about import AboutDialog
    from knee_desktop.ui.dialogs.knee_feel import KneeFeelDialog

    with system_font(fusion, scale):
        for dialog in (AboutDialog(), KneeFeelDialog(when="after")):
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            room = dialog.screen().availableGeometry()
            assert dialog.height() <= room.height() and dialog.width() <= room.width()
            assert overlapping(dialog) == [] and clipped(dialog) == [], type(dialog).__name__
            dialog.reject()
