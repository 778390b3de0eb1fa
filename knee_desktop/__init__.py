"""knee-desktop: a desktop session timer with voice cues for a home knee-pain routine."""

__version__ = "0.1.0"
APP_NAME = "knee-desktop"
APP_ID = "io.github.kneedesktop.KneeDesktop"

