"""knee-desktop: a desktop session timer with voice cues for a home knee-pain routine."""

__version__ = "0.1.0"
APP_NAME = "knee-desktop"
APP_ID = "io.github.kneedesktop.KneeDesktop"


def _keep_singletons_alive() -> None:
    """Work around a reference-count bug of PySide6 6.12 on Python 3.11.

    Its abi3 wheels drop one reference to ``None`` on every call of a Qt function that
    returns nothing (``QTimer.start``, ``QCoreApplication.processEvents``, …) and sometimes
    to ``True``/``False``: after ~5,000 such calls the interpreter aborts with "Fatal Python
    error: none_dealloc". Python 3.12 made these objects immortal, which hides the bug; on
    3.11 we give them enough references to never reach zero. (Measured: a 300,000-call
    ``processEvents`` loop crashes without this and runs with it.)
    """
    import sys

    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


_keep_singletons_alive()
