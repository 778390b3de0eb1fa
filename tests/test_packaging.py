"""Packaging metadata: the .desktop file, AppStream metainfo, the icon, the Flatpak manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from knee_desktop import APP_ID
from knee_desktop.ui.app.launch import ICON_SIZES, app_icon

REPO = Path(__file__).resolve().parent.parent

PACKAGING = REPO / "packaging"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
FLATPAK = PACKAGING / f"{APP_ID}.json"


def run_tool(*cmd: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    if shutil.which(cmd[0]) is None:
        pytest.skip(f"{cmd[0]} is not installed (packaging/debian-packages.txt lists it)")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=cwd)


def test_desktop_file_validates():
    result = run_tool("desktop-file-validate", str(DESKTOP))
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_validates():
    result = run_tool("appstreamcli", "validate", "--no-net", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_app_id_everywhere():
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name
    text = DESKTOP.read_text()
    assert f"Icon={APP_ID}\n" in text and "Exec=knee-desktop\n" in text
    description = "".join(root.find("description").itertext())
    assert "not a replacement for your doctor" in description


def test_icon_svg_and_pngs_ship():
    assert (REPO / "assets" / f"{APP_ID}.svg").is_file()
    for size in ICON_SIZES:
        assert (REPO / "assets" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
                / f"{APP_ID}.png").is_file()


def test_app_icon_loads(qapp):
    icon = app_icon()
    assert not icon.isNull()
    assert icon.pixmap(48, 48).width() == 48


def test_flatpak_manifest_grants_pulseaudio_and_little_else():
    manifest = json.loads(FLATPAK.read_text())
    assert manifest["id"] == APP_ID and manifest["command"] == "knee-desktop"
    args = manifest["finish-args"]
    assert "--socket=pulseaudio" in args
    assert not [a for a in args if a.startswith("--filesystem")]
    for module in manifest["modules"]:
        for source in module.get("sources", []):
            if source["type"] == "file":
                assert source["url"].startswith("https://") and len(source["sha256"]) == 64
    installs = " ".join(manifest["modules"][-1]["build-commands"])
    assert DESKTOP.name in installs and METAINFO.name in installs


def _paths(node: object, prefix: str = "") -> set[str]:
    if isinstance(node, dict):
        return {f"{prefix}/{k}" for k in node} | {
            p for k, v in node.items() for p in _paths(v, f"{prefix}/{k}")}
    if isinstance(node, list):
        return {p for i, v in enumerate(node) for p in _paths(v, f"{prefix}[{i}]")}
    return set()


def test_flatpak_builder_knows_every_key_of_the_manifest(tmp_path: Path):
    # It leaves a .flatpak-builder/ state folder in the working directory.
    result = run_tool("flatpak-builder", "--show-manifest", str(FLATPAK), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Unknown property" not in result.stderr  # a misspelt key in a module or source
    ours = json.loads(FLATPAK.read_text())
    assert _paths(json.loads(result.stdout)) == _paths(ours)


def test_make_lint_packaging_runs_the_validators():
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    run_tool("desktop-file-validate", "--help")
    run_tool("appstreamcli", "--version")
    run_tool("flatpak-builder", "--version")
    result = subprocess.run(["make", "-s", "lint-packaging"], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
