"""Work around a reference-count bug of PySide6 6.12.0 on CPython 3.11.

Measured here (PySide6 6.12.0, Python 3.11.7): every call of a Qt method that returns
nothing (``label.setText``, ``timer.start``, ``QChart.addSeries``, ``processEvents`` …) drops
one reference to ``None`` it never took, and every ``Signal.emit`` drops one to ``True``.
After a few thousand such calls (None starts with about 5,000 references) the interpreter
aborts with "Fatal Python error: none_dealloc: deallocating None" – mid-session, or when it
exits. Python 3.12 made None, True and False immortal (PEP 683), which hides the bug.

Until PySide6 is fixed or the app runs on Python >= 3.12, give the three singletons so many
references that they can never reach zero: what PEP 683 does. It touches nothing else.
"""

from __future__ import annotations

import ctypes
import platform
import sys

_SLACK = sys.maxsize // 4


def apply() -> bool:
    """Make None, True and False practically immortal; True if it was needed and done."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    if hasattr(sys, "gettotalrefcount"):  # a debug build lays objects out differently
        return False
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        if refcount.value < _SLACK:
            refcount.value += _SLACK
    return True
