"""Issue 29, class 8: a file being written is removed when SIGTERM or SIGHUP arrives (logout,
a closed terminal, `kill`): `export-audio` left a .part of hundreds of MB behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from knee_desktop.prefs import user_settings as us

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_an_atomic_write_removes_its_part_and_passes_the_signal_on(tmp_path: Path,
                                                                    signum: int) -> None:
    from knee_desktop.common import safe_write

    got: list[int] = []
    old = signal.signal(signum, lambda n, _f: got.append(n))
    out = tmp_path / "w" / "out.bin"
    try:
        with pytest.raises(SystemExit) as ended, safe_write.atomic_file(out, binary=True) as f:
            f.write(b"x" * 1000)
            os.kill(os.getpid(), signum)
            f.write(b"never")
    finally:
        signal.signal(signum, old)
    assert ended.value.code == 128 + signum
    assert got == [signum]  # the app's own handler still heard it
    assert list(out.parent.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_export_audio_leaves_nothing_behind_on_a_signal(tmp_path: Path, signum: int) -> None:
    us.save(us.UserSettings(tones=True))  # no speech engine: straight to writing
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "session.wav"
    proc = subprocess.Popen([sys.executable, "-m", "knee_desktop", "export-audio",
                             "windshield-wiper", str(out), "--reps", "60", "--tempo", "20"],
                            env={**os.environ, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".part") for p in folder.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "no .part was written"
        threading.Event().wait(0.01)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (-signum, 128 + signum), err
    assert list(folder.iterdir()) == [], "a .part was left behind"
    assert "Traceback" not in err
