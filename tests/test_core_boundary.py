"""The layers below the runtime stay free of Qt, and pyttsx3 lives only in speech.

import-linter (`make lint`, .importlinter) checks the same contracts statically; this test
also catches an import of Qt or pyttsx3 that happens at run time, by importing every module
of the plain layers in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "knee_desktop"
# The plain-Python layers, bottom up; speech may use pyttsx3 but not Qt.
PLAIN = ("common", "routine", "plan", "session", "history", "prefs")
FORBIDDEN = ("PySide6", "shiboken6", "pyttsx3")
QT = ("PySide6", "shiboken6")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files(*layers: str) -> list[Path]:
    return sorted(f for layer in layers for f in (PACKAGE / layer).rglob("*.py"))


def test_no_plain_module_imports_qt_or_speech() -> None:
    files = _files(*PLAIN)
    assert len(files) >= 20
    offenders = {str(f.relative_to(PACKAGE)): sorted(_imports(f) & set(FORBIDDEN))
                 for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_speech_never_imports_qt() -> None:
    offenders = {str(f.relative_to(PACKAGE)): sorted(_imports(f) & set(QT))
                 for f in _files("speech")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_speech_imports_pyttsx3() -> None:
    users = {str(f.relative_to(PACKAGE)) for f in sorted(PACKAGE.rglob("*.py"))
             if "pyttsx3" in _imports(f)}
    assert users and all(u.startswith("speech/") for u in users), users


def test_importing_the_plain_layers_loads_neither_qt_nor_pyttsx3() -> None:
    modules = [".".join(("knee_desktop", *f.relative_to(PACKAGE).with_suffix("").parts))
               for f in _files(*PLAIN)]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
