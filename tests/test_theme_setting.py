"""Settings → Theme: follow the system, light, dark or high contrast; applied at once,
kept in the settings file, put back on Cancel, applied again at start-up."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QComboBox

from knee_desktop.prefs import user_settings as us
from knee_desktop.prefs.user_settings import UserSettings
from knee_desktop.ui.settings.dialog import SettingsDialog
from knee_desktop.ui.theme import apply_theme, named_palette

NO_VOICES = [sys.executable, "-c", 'print("{\\"default\\": \\"\\", \\"voices\\": []}")']
BASE = QPalette.ColorRole.Base


@pytest.fixture
def app_palette(qapp):
    palette = QPalette(qapp.palette())
    yield qapp
    QApplication.setPalette(palette)


def dialog_for(qtbot, settings: UserSettings) -> SettingsDialog:
    dialog = SettingsDialog(settings, voice_command=NO_VOICES)
    qtbot.addWidget(dialog)
    return dialog


def test_a_theme_is_applied_at_once_and_kept(app_palette, qtbot):
    dialog = dialog_for(qtbot, UserSettings())
    theme = dialog.findChild(QComboBox, "theme")
    assert theme is not None and theme.currentData() == "system"
    theme.setCurrentIndex(theme.findData("dark"))
    # at once, every window: before Save
    assert app_palette.palette().color(BASE) == named_palette("dark").color(BASE)
    theme.setCurrentIndex(theme.findData("high-contrast"))
    assert app_palette.palette().color(BASE) == named_palette("high-contrast").color(BASE)
    dialog.accept()
    saved = us.load().settings
    assert saved.theme == "high-contrast"
    assert 'theme = "high-contrast"' in us.settings_path().read_text()


def test_cancel_puts_the_saved_theme_back(app_palette, qtbot):
    apply_theme(app_palette, "light")
    dialog = dialog_for(qtbot, UserSettings(theme="light"))
    theme = dialog.findChild(QComboBox, "theme")
    theme.setCurrentIndex(theme.findData("dark"))
    assert app_palette.palette().color(BASE) == named_palette("dark").color(BASE)
    dialog.reject()
    assert app_palette.palette().color(BASE) == named_palette("light").color(BASE)


def test_following_the_system_gives_back_the_desktops_palette(app_palette):
    system = QPalette(app_palette.palette())
    apply_theme(app_palette, "system")  # remembers the desktop's palette the first time
    apply_theme(app_palette, "dark")
    assert app_palette.palette().color(BASE) != system.color(BASE)
    apply_theme(app_palette, "system")
    assert app_palette.palette().color(BASE) == system.color(BASE)


def test_a_bad_theme_in_the_file_says_so_and_follows_the_system(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('schema = 1\ntheme = "purple"\n')
    result = us.load(path)
    assert result.settings.theme == "system"
    assert any("theme: expected system, light, dark or high-contrast" in m and "purple" in m
               for m in result.messages), result.messages
