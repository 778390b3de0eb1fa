"""The weekly target in Settings (beside the reminder's time): how many sessions a week
the person aims for.

Left at its lowest step it reads "From my last month (about N a week)": the target then
follows the person's own last four weeks (``history.report.default_target``). History's
header, the report and the reminder use it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

from knee_desktop.common import limits
from knee_desktop.history.report import default_target
from knee_desktop.history.store import HistoryError, HistoryStore


def usual_target(store: HistoryStore | None = None, today: date | None = None) -> int:
    """The default target from the history's last month (the default's own if unreadable)."""
    store = store or HistoryStore(read_only=True)
    try:
        if not store.path.exists():
            return default_target((), today or date.today())
        rows = store.rows()
    except HistoryError:
        return default_target((), today or date.today())
    finally:
        store.close()
    days = [r.started.date() for r in rows if r.legs_done and not r.damaged]
    return default_target(days, today or date.today())


class WeeklyTarget(QWidget):
    """"Weekly target: [spin box]", a row for the reminder's group (History and the report
    use it too); :meth:`value` is None for "from my last month"."""

    def __init__(self, usual: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekly-target")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.spin = QSpinBox()
        self.spin.setObjectName("weekly-target-spin")
        self.spin.setRange(int(limits.WEEKLY_TARGET.lo) - 1, int(limits.WEEKLY_TARGET.hi))
        self.spin.setSuffix(" sessions a week")
        usual_text = f" ({usual} a week)" if usual is not None else ""
        self.spin.setSpecialValueText(f"From my last month{usual_text}")
        self.spin.setAccessibleName("Weekly target")
        self.spin.setToolTip("How many sessions a week you aim for. History, the report for "
                             "your physio and the reminder show how the week is going. At the "
                             "bottom of the range: worked out from your last four weeks.")
        label = QLabel("Weekly &target:")
        label.setBuddy(self.spin)
        row.addWidget(label)
        row.addWidget(self.spin)
        row.addStretch(1)

    def set_value(self, target: int | None) -> None:
        self.spin.setValue(self.spin.minimum() if target is None else target)

    def value(self) -> int | None:
        v = self.spin.value()
        return None if v == self.spin.minimum() else v
