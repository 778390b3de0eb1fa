"""The Qt layer: windows, widgets, the cue scheduler. Only this package imports PySide6."""

from knee_desktop.gui.refcount_guard import protect_singletons

protect_singletons()  # before any Qt call: see refcount_guard for the PySide6 6.12.0 bug
