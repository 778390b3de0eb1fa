"""Work around a reference-count bug of PySide6 6.12.0 on Python 3.11.

Measured here (PySide6-Essentials 6.12.0, CPython 3.11.7): every call of a void Qt method
(``QWidget.update()``, ``QLabel.setText()``, ``QTimer.start()``, most ``QPainter`` calls)
returns ``None`` without taking a reference to it, and ``Signal.emit()`` does the same
with ``True``. Each call lowers the refcount of the shared singleton by one; ``None``
starts near 4,000, so a window repainting at 60 frames a second aborts the interpreter
within seconds ("Fatal Python error: none_dealloc"), and any session, given time.

Python 3.12 made these singletons immortal (PEP 683); this does the same for 3.11 by
giving them a reference count that can never reach zero. They are never freed anyway, so
nothing else changes. Remove this module when the app requires Python ≥ 3.12 or PySide6
is fixed (tests/test_refcount_guard.py tells which).
"""

from __future__ import annotations

import ctypes
import sys

_HUGE = 1 << 40


def protect_singletons() -> bool:
    """Make None, True and False effectively immortal; True if anything was done."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(obj))
        if refcount.value < _HUGE:
            refcount.value += _HUGE
    return True
