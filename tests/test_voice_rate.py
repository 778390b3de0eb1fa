"""A phrase is spoken at the rate its cache key names, even when espeak-ng's thread is busy
as a phrase's rate is set (a loaded machine; pyttsx3 then cancels espeak, and espeak drops
the rate): the rate-80 fit test once saw a whole rate-80 cache rendered at 200 wpm."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from knee_desktop.speech.clip import ClipError
from knee_desktop.speech.render import VoiceSettings, Worker, check_settings

pytestmark = pytest.mark.cold_speech  # these tests render: the cache starts empty

REPO = Path(__file__).resolve().parent.parent


def test_a_rate_set_while_espeak_is_busy_is_the_rate_spoken(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "tests.espeak_busy", str(tmp_path)],
                         cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stdout[-1000:] + run.stderr[-2000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    busy, fast, slow = got["busy"], got["fast"], got["slow"]
    assert got["held"] == "until the worker acted", got  # espeak was busy as it set the rate
    # what the worker read back from espeak ...
    assert [r["reply"]["rate"] for r in (busy, fast, slow)] == [80, 200, 80], got
    # ... and what is heard: as long as the same phrase at 80 with espeak idle, far longer
    # than at 200 (~0.3 s against ~0.6 s)
    assert busy["seconds"] > 1.5 * fast["seconds"], got
    assert abs(busy["seconds"] - slow["seconds"]) < 0.03, got


def test_a_fresh_worker_answers_with_the_rate_and_volume_it_spoke_at(tmp_path: Path) -> None:
    """What SpeechCache checks before it stores a clip (every worker of a cache is fresh)."""
    for settings in (VoiceSettings(rate=80, volume=0.5), VoiceSettings(rate=300)):
        worker = Worker()
        try:
            reply = worker.render("One.", tmp_path / "one.wav", settings)
        finally:
            worker.close()
        assert (reply["rate"], reply["volume"]) == (settings.rate, settings.volume), reply
        assert reply["reapplied"] == 0, reply  # espeak took it at once: nothing was dropped


def test_a_clip_spoken_at_other_settings_is_refused() -> None:
    asked = VoiceSettings(rate=80, volume=0.5)
    check_settings("One.", {"ok": True, "rate": 80, "volume": 0.5}, asked)
    for reply in ({"ok": True, "rate": 200, "volume": 0.5},  # the rate dropped by espeak
                  {"ok": True, "rate": 80, "volume": 1.0},
                  {"ok": True}):  # a worker that does not say
        with pytest.raises(ClipError, match=r"rate .* not the 80 and 0\.5 asked for"):
            check_settings("One.", reply, asked)
