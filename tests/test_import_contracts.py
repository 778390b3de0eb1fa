"""`make lint` runs import-linter over .importlinter: the layers of docs/architecture.md,
and no import circles. Here a copy of the package gets one forbidden import (or one that
closes a circle), and lint-imports must fail on it."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--no-cache", "--config", str(root / ".importlinter")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "knee_desktop", tmp_path / "knee_desktop",
                    ignore=shutil.ignore_patterns("__pycache__", "_data"))
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def _add(root: Path, module: str, line: str) -> None:
    path = root / "knee_desktop" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_tree_keeps_every_contract(copy: Path) -> None:
    result = _lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("ui/text.py", "import knee_desktop.cli.options", "Layers"),
    ("cli/plan_cmd.py", "import knee_desktop.ui.text", "Layers"),
    ("session/engine.py", "import knee_desktop.history.store", "Layers"),
    ("plan/pose.py", "import PySide6.QtCore", "No Qt below the runtime layer"),
    ("runtime/voice.py", "import pyttsx3", "pyttsx3 only inside speech"),
    ("ui/history/charts.py", "import knee_desktop.ui.session.controls", "The window's rooms"),
    ("ui/diagram/art.py", "import knee_desktop.ui.settings.dialog", "The window's rooms"),
    ("ui/theme.py", "import knee_desktop.ui.diagram.colours", "The window's rooms"),
    # a circle between siblings: stream_timing is imported by audio_output
    ("runtime/stream_timing.py", "import knee_desktop.runtime.audio_output", "No import circles"),
    ("plan/settings.py", "import knee_desktop.plan.timeline", "No import circles"),
    # fitting is planning: speech/ measures, plan/ compiles
    ("speech/export.py", "import knee_desktop.plan.timeline", "speech/ renders and measures"),
    ("speech/tones.py", "from knee_desktop.plan.fit import fit_timeline",
     "speech/ renders and measures"),
])
def test_a_forbidden_import_fails_lint(copy: Path, module: str, line: str,
                                       contract: str) -> None:
    _add(copy, module, line)
    result = _lint(copy)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    return names


def _edits_sys_path(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.Attribute) and n.attr in {"insert", "append", "extend"}
               and isinstance(n.value, ast.Attribute) and n.value.attr == "path"
               and isinstance(n.value.value, ast.Name) and n.value.value.id == "sys"
               for n in ast.walk(tree))


def test_tests_and_benchmarks_depend_one_way() -> None:
    """bench/ (and the app) never import tests/, no test file imports another, and no
    file edits sys.path: what both need is in bench/labs/ (docs/architecture.md)."""
    wrong = []
    for folder in ("knee_desktop", "bench", "tests"):
        for path in sorted((REPO / folder).rglob("*.py")):
            where = path.relative_to(REPO)
            for name in _imports(path):
                top = name.split(".")
                if folder != "tests" and top[0] == "tests":
                    wrong.append(f"{where} imports {name}")
                if len(top) > 1 and top[0] == "tests" and top[1].startswith("test_"):
                    wrong.append(f"{where} imports the test file {name}")
            if _edits_sys_path(path):
                wrong.append(f"{where} edits sys.path")
    assert wrong == []
