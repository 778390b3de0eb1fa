"""The Qt layer: windows, widgets, the cue scheduler. Only this package imports PySide6."""
