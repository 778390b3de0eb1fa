"""The Qt layer: windows, widgets, the cue scheduler. Only this package imports PySide6."""

from knee_desktop.gui import _refcount_guard

_refcount_guard.apply()  # before any PySide6 call: see the module (PySide6 6.12 + Python 3.11)
