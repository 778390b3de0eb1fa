"""The built wheel carries the routines, so an installed app finds them without a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_installed_wheel_finds_its_routines(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    # With the test environment's hatchling (the [test] extra): pip's isolated build would
    # install it into a throwaway environment first, two thirds of this test's time.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(out), str(REPO)], check=True,
                   timeout=300, capture_output=True)
    wheel = next(out.glob("knee_desktop-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "knee_desktop/_data/routines/windshield-wiper.toml" in names
    assert "knee_desktop/_data/routines/thigh-massage.toml" in names
    assert not any(n.startswith("tests/") for n in names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, timeout=300,
                   capture_output=True)
    code = ("from knee_desktop.common import paths; from knee_desktop.routine import loader; "
            "print(paths.shipped_routines_dir()); print(sorted(loader.load_catalog().routines))")
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=tmp_path, check=True, timeout=60)
    folder, ids = proc.stdout.splitlines()
    assert Path(folder).is_relative_to(target)
    assert ids == "['thigh-massage', 'windshield-wiper']"
