"""The settings dialog's Preview speaks a sample count at the tempo, really heard."""

from __future__ import annotations

import itertools

import pytest

from bench.pulse_lab import RATE, MonitorRecorder, PrivatePulse
from knee_desktop.voice.preview import VoicePreview
from tests.audio_fixtures import pulse  # noqa: F401 - a fixture


@pytest.mark.audio
def test_preview_counts_are_heard_one_tempo_apart(
    qtbot, monkeypatch: pytest.MonkeyPatch, pulse: PrivatePulse  # noqa: F811
) -> None:
    for key, value in pulse.env({}).items():
        monkeypatch.setenv(key, value)
    problems: list[str] = []
    preview = VoicePreview(lambda: 1.5, problems.append)
    rec = MonitorRecorder(pulse).start()
    try:
        preview("One. Two. Three. Four.", "", 200, 1.0)
        assert preview.voice is not None, problems
        qtbot.waitUntil(lambda: preview.voice is None, timeout=15000)
    finally:
        recording = rec.stop()
    assert problems == []
    # an onset: a loud sample after at least 0.25 s of quiet
    onsets: list[float] = []
    quiet = int(0.25 * RATE)
    last_loud = -quiet
    for i, x in enumerate(recording.samples):
        if abs(x) >= 300:
            if i - last_loud >= quiet:
                onsets.append(recording.time_of(i))
            last_loud = i
    assert len(onsets) == 4, onsets
    gaps = [b - a for a, b in itertools.pairwise(onsets)]
    assert all(abs(g - 1.5) < 0.05 for g in gaps), gaps
