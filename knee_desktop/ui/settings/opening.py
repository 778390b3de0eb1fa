"""Opening the Settings dialog on the saved settings file, and saying when that file had to
be repaired (its damaged values replaced by defaults, the file kept aside)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from knee_desktop.prefs import user_settings as us
from knee_desktop.prefs.user_settings import UserSettings
from knee_desktop.ui.settings.dialog import Preview, SettingsDialog


def edit_settings(parent: QWidget | None = None, preview: Preview | None = None,
                  on_saved: Callable[[UserSettings, us.Changes], object] | None = None
                  ) -> SettingsDialog:
    """Open the dialog (non-blocking) on the saved settings; ``on_saved`` gets the result."""
    result = us.load()
    dialog = SettingsDialog(result.settings, preview, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_saved is not None:
        dialog.saved.connect(on_saved)
    dialog.open()
    if result.messages:
        show_settings_problems(dialog, result.messages)
    return dialog


def show_settings_problems(parent: QWidget, messages: Sequence[str]) -> QMessageBox:
    """Say (without blocking) that the settings file was damaged and where it was kept."""
    box = QMessageBox(QMessageBox.Icon.Information, "Settings repaired",
                      "Some of your settings could not be used, so their defaults apply.",
                      QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText("\n".join(messages))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setAccessibleName("Settings repaired")
    box.open()
    return box
