"""`python -m bench.movement_screenshots`: the session window at each movement's extremes
and a foot circle at 0°, 90°, 180° and 270°, for each leg, light and dark, under Xvfb.

For the reviewer who reads only the guide's paragraph: can they name the movement from the
picture? Each PNG is the real window (default size) at one moment of a real session walked
on fake timers, saved with few colours to stay small, in ``docs/screenshots/movement/``,
named ``PALETTE-LEG-MOVEMENT-MOMENT.png``. A contact sheet per palette and leg
(``sheet-PALETTE-LEG.png``) puts them side by side.

    python -m bench.movement_screenshots [--out docs/screenshots/movement]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

from bench.labs import REPO
from bench.labs.xvfb import run_module_in_xvfb

SIZE = (1120, 640)
SHEET_COLUMNS = 4
# (name, movement, phase of the repetition): the extremes fall on these phases
# (plan/pose.py, toe_at); a circle starts upright (0°) and turns a quarter a 0.25
MOMENTS = (
    ("wipe-left-extreme", "sweep-left", 0.5),
    ("wipe-right-extreme", "sweep-right", 0.5),
    ("whole-wiper-left-extreme", "sweep-both", 0.25),
    ("whole-wiper-right-extreme", "sweep-both", 0.75),
    *((f"circle-clockwise-{d}", "circle-clockwise", d / 360) for d in (0, 90, 180, 270)),
    *((f"circle-counterclockwise-{d}", "circle-counterclockwise", d / 360)
      for d in (0, 90, 180, 270)),
)


def few_colours(image: QImage) -> QImage:
    """256 colours without dithering: the flat colours of the window compress well."""
    from PySide6.QtCore import Qt

    flags = (Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
             | Qt.ImageConversionFlag.ColorOnly)
    return image.convertToFormat(image.Format.Format_Indexed8, flags)


def child(out: Path) -> int:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from bench.labs.screens import make_window
    from knee_desktop.ui.app.launch import make_app
    from knee_desktop.ui.plain_text import guard_plain_text
    from knee_desktop.ui.theme import named_palette

    app = make_app()
    guard_plain_text(app, "Fusion")
    out.mkdir(parents=True, exist_ok=True)
    for palette in ("light", "dark"):
        QApplication.setPalette(named_palette(palette))
        window, timers = make_window()
        window.resize(*SIZE)
        window.show()
        window.choose_routine("windshield-wiper")
        window.start_session()
        window.controller.frame_seconds = 5.0  # only the moments below are drawn
        timeline, session = window.timeline, window.driver.session
        assert timeline is not None and session is not None
        shots = []
        for leg in ("left", "right"):
            for name, movement, phase in MOMENTS:
                rep = next(e for e in timeline.events if e.kind == "rep" and e.leg == leg
                           and e.movement == movement and e.rep == 2)
                shots.append((rep.move_start + phase * (rep.duration or 0.0),
                              f"{palette}-{leg}-{name}"))
        images: dict[str, list[QImage]] = {}
        for t, name in sorted(shots):
            timers.advance(max(0.0, session.time_of(t) - timers.clock.now()))
            window.controller.emit_frame()
            for _ in range(3):
                app.processEvents()
            image = window.grab().toImage()
            few_colours(image).save(str(out / f"{name}.png"), "PNG", 9)
            images.setdefault("-".join(name.split("-")[:2]), []).append(image)
            print(out / f"{name}.png")
        window.driver.close()
        window.close()
        for key, frames in images.items():  # a contact sheet per palette and leg, half size
            w, h = SIZE[0] // 2, SIZE[1] // 2
            rows = (len(frames) + SHEET_COLUMNS - 1) // SHEET_COLUMNS
            sheet = QImage(w * SHEET_COLUMNS, h * rows, QImage.Format.Format_RGB32)
            sheet.fill(0)
            p = QPainter(sheet)
            for i, frame in enumerate(frames):
                p.drawImage(QPoint((i % SHEET_COLUMNS) * w, (i // SHEET_COLUMNS) * h),
                            frame.scaled(w, h))
            p.end()
            few_colours(sheet).save(str(out / f"sheet-{key}.png"), "PNG", 9)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots" / "movement")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.out)
    return run_module_in_xvfb("bench.movement_screenshots", "--child", "--out",
                              str(args.out), timeout=600)


if __name__ == "__main__":
    sys.exit(main())
