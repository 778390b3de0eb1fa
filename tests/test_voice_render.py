"""Rendering real speech with pyttsx3 in a worker process, the cache, and the clip checks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from knee_desktop.speech import render
from knee_desktop.speech.clip import RATE, Clip, ClipError, check_clip, read_wav
from knee_desktop.speech.render import SpeechCache, SpeechUnavailable, VoiceSettings, Worker

pytestmark = pytest.mark.cold_speech  # these tests render: the cache starts empty

PHRASES = ["One.", "Seven.", "Pause. Be still for ten seconds."]


def test_renders_real_speech_checked_and_trimmed() -> None:
    cache = SpeechCache()
    seen: list[tuple[int, int]] = []
    cache.prepare(PHRASES, lambda done, total: seen.append((done, total)))
    assert cache.rendered == 3
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    for text in PHRASES:
        clip = cache.clip(text)
        check_clip(text, clip)
        # Trimmed: the sound starts within a few milliseconds of the first sample and the
        # stored file is the trimmed clip.
        first = clip.first_sound()
        assert first is not None and first <= 0.003 * RATE
        assert read_wav(cache.path(text)).samples == clip.samples
    counts = [cache.duration(t) for t in PHRASES[:2]]
    assert all(0.15 < d < 0.6 for d in counts), counts  # one word, espeak's pause trimmed
    assert cache.duration(PHRASES[2]) > 1.2


def test_every_phrase_of_one_worker_is_its_own(tmp_path: Path) -> None:
    """One engine, many save_to_file + runAndWait: each file holds its own phrase (the
    2.99 regression, only the first say() spoken, does not touch saving)."""
    cache = SpeechCache()
    texts = ["Two.", "Three.", "Now the whole wiper: left and right, ten times."]
    cache.prepare(texts)
    lengths = [cache.duration(t) for t in texts]
    assert lengths[2] > 3 * max(lengths[:2])
    assert cache.clip("Two.").samples != cache.clip("Three.").samples


def test_a_warm_cache_renders_nothing() -> None:
    SpeechCache().prepare(PHRASES)
    warm = SpeechCache()
    warm.prepare(PHRASES)
    assert warm.rendered == 0  # how fast that is: bench/, not a wall-clock bound here


def test_cache_key_follows_voice_settings() -> None:
    slow, fast = SpeechCache(VoiceSettings(rate=200)), SpeechCache(VoiceSettings(rate=260))
    assert slow.key("One.") != fast.key("One.")
    assert "pyttsx3" in slow.version and "espeak-ng" in slow.version


def test_nothing_reaches_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    SpeechCache().prepare(["Good."])
    out = capfd.readouterr().out
    assert "Audio saved" not in out


def test_missing_engine_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNEE_DESKTOP_ESPEAK_LIB", "libespeak-ng-not-here.so.1")
    with pytest.raises(SpeechUnavailable, match="libespeak-ng1"):
        SpeechCache()


class HungWorker(Worker):
    """A 'speech engine' that says it is ready and then never answers."""

    def __init__(self) -> None:
        import subprocess

        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; print('{\"ready\": true}', flush=True); "
             "sys.stdin.read(); sys.stdin.read()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._buf = ""
        assert "ready" in self._answer(10)


def test_a_hung_engine_is_stopped_not_waited_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "PHRASE_TIMEOUT", 0.3)
    made: list[HungWorker] = []

    def factory() -> HungWorker:
        made.append(HungWorker())
        return made[-1]

    cache = SpeechCache(worker_factory=factory)
    with pytest.raises(ClipError, match="did not answer"):
        cache.prepare(["One."])
    (worker,) = made
    assert worker.proc.poll() is not None  # the hung engine was ended, not left waiting


class CrashingWorker(HungWorker):
    def render(self, text: str, path: Path, settings: VoiceSettings) -> None:
        self.proc.kill()
        self.proc.wait()
        super().render(text, path, settings)


def test_a_crashed_engine_is_reported() -> None:
    cache = SpeechCache(worker_factory=CrashingWorker)
    with pytest.raises(ClipError, match=r"crashed|died"):
        cache.prepare(["One."])


def test_implausible_clips_are_refused() -> None:
    import array

    with pytest.raises(ClipError, match="silent"):
        check_clip("One.", Clip(array.array("h")))
    with pytest.raises(ClipError, match="lasts"):
        check_clip("One.", Clip(array.array("h", [1000] * (RATE * 5))))
