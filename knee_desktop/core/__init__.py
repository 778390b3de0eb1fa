"""Plain-Python core of knee-desktop.

Nothing in this package imports PySide6 or pyttsx3 (tests/test_core_boundary.py fails if
anything does). It reports through :class:`~knee_desktop.core.hooks.Hook` callbacks that
the Qt layer turns into Signals.
"""
