"""One PySide6 version everywhere: every file of the repository that names a version of
PySide6 or shiboken6 names the same one, the one installed here, and the one whose
refcount behaviour ``tests/test_pyside_refcounts.py`` checked (6.12.0 is the bad one)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from knee_desktop.runtime.qt_workarounds import PYSIDE6_PIN

REPO = Path(__file__).resolve().parent.parent
NAMES = r"(?:pyside6[-_]essentials|pyside6[-_]addons|pyside6|shiboken6)"
WHEEL = re.compile(rf"\b({NAMES})-(\d+\.\d+\.\d+)-[^\s\"]*\.whl", re.IGNORECASE)
REQUIREMENT = re.compile(rf"^\s*({NAMES})\s*(==|~=|>=|<=|!=|<|>)\s*([\w.*]+)", re.IGNORECASE)
SKIP = {".venv", ".git", "build", "dist", "node_modules", "__pycache__", ".flatpak-builder"}


def pin_files() -> list[Path]:
    """Where versions may be named: project metadata, packaging, requirements, specs."""
    out = []
    for path in REPO.rglob("*"):
        if any(part in SKIP for part in path.relative_to(REPO).parts) or not path.is_file():
            continue
        name = path.name
        if (name == "pyproject.toml" or name.endswith((".spec", ".json", ".yml", ".yaml"))
                or (name.startswith("requirements") and name.endswith(".txt"))
                or name in ("constraints.txt", "debian-packages.txt")):
            out.append(path)
    return out


def pins() -> list[tuple[str, str, str]]:
    """(file, package, version) for every exact version named."""
    found = []
    for path in pin_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = str(path.relative_to(REPO))
        for m in WHEEL.finditer(text):
            found.append((rel, m.group(1).lower(), m.group(2)))
        if path.name == "pyproject.toml":
            data = tomllib.loads(text)
            reqs = list(data.get("project", {}).get("dependencies", []))
            for extra in data.get("project", {}).get("optional-dependencies", {}).values():
                reqs += extra
            lines = reqs
        else:
            lines = text.splitlines()
        for line in lines:
            m = REQUIREMENT.match(line)
            if m:
                assert m.group(2) == "==", f"{rel}: {line.strip()!r} must pin one version"
                found.append((rel, m.group(1).lower(), m.group(3)))
    return found


def test_every_pyside6_pin_in_the_repo_agrees() -> None:
    found = pins()
    files = {f for f, _, _ in found}
    # the project metadata and the Flatpak manifest both pin it: this test sees them
    assert "pyproject.toml" in files
    assert any(f.startswith("packaging/") and f.endswith(".json") for f in files), found
    wrong = [(f, p, v) for f, p, v in found if v != PYSIDE6_PIN]
    assert not wrong, f"pins that differ from {PYSIDE6_PIN}: {wrong}"
    assert PYSIDE6_PIN != "6.12.0"  # drops references to None (tests/test_pyside_refcounts)


def test_the_installed_pyside6_is_the_pinned_one() -> None:
    for dist in ("PySide6-Essentials", "PySide6-Addons", "shiboken6"):
        assert version(dist) == PYSIDE6_PIN, dist


def test_a_differing_pin_is_found(tmp_path: Path) -> None:
    """The scanner is not blind: a 6.12.0 wheel and a loose requirement are both seen."""
    text = '"url": "https://x/pyside6_addons-6.12.0-cp310-abi3-manylinux_2_34_x86_64.whl"'
    assert WHEEL.search(text) is not None and WHEEL.search(text).group(2) == "6.12.0"  # type: ignore[union-attr]
    m = REQUIREMENT.match("PySide6-Essentials>=6.11")
    assert m is not None and m.group(2) == ">="
