"""The main screens at small and large sizes, light, dark and high-contrast palettes, a
large system font and a scale factor of 2: no clipped or elided text, the window never
forced larger than asked, the safety box fully shown, the named colour pairs WCAG AA."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from screen_checks import SCREENS, check

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
    style = qapp.style().name()
    palette = qapp.palette()
    qapp.setStyle("Fusion")
    yield qapp
    qapp.setStyle(style)
    QApplication.setPalette(palette)


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
    font = fusion.font()
    large = fusion.font()
    large.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.5)
    fusion.setFont(large)
    try:
        for screen in SCREENS:
            assert_fits(check(screen, size, "light"))
    finally:
        fusion.setFont(font)


@pytest.mark.slow
def test_screens_fit_at_scale_factor_two():
    """Qt reads QT_SCALE_FACTOR at start-up: a child interpreter renders the screens on a
    1366×768 and a 3840×2160 screen (device pixels) at 200 %."""
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen")
    script = Path(__file__).resolve().parent / "screen_checks.py"
    run = subprocess.run([sys.executable, str(script), "1366:768:dark", "3840:2160:light"],
                         env=env, capture_output=True, text=True, timeout=240, check=False)
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

    from knee_desktop.ui.knee_feel import KneeFeelDialog
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
