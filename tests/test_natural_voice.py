"""The natural voice (Piper) behind the same render interface: chosen by the voice setting,
never imported unless chosen, missing parts named; and trimming that keeps soft onsets."""

from __future__ import annotations

import array
import importlib.util
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from knee_desktop.speech import natural
from knee_desktop.speech.clip import RATE, SOUND_LEVEL, Clip
from knee_desktop.speech.render import SpeechCache, SpeechUnavailable, VoiceSettings

REPO = Path(__file__).resolve().parent.parent
HAS_PIPER = importlib.util.find_spec("piper") is not None
VOICE = os.environ.get("KNEE_DESKTOP_PIPER_VOICE")


def fake_model(folder: Path) -> Path:
    model = folder / "en_US-test-medium.onnx"
    model.write_bytes(b"not a model")
    model.with_name(model.name + ".json").write_text("{}", encoding="utf-8")
    return model


def test_the_voice_setting_chooses_the_engine(tmp_path: Path) -> None:
    assert natural.model_of("gmw/en") is None and natural.model_of(None) is None
    assert natural.model_of(f"piper:{tmp_path}/v.onnx") == tmp_path / "v.onnx"


def test_without_piper_tts_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "piper" else real(name, *a))
    with pytest.raises(SpeechUnavailable, match=r"knee-desktop\[natural\].*GPL-3.0"):
        SpeechCache(VoiceSettings(voice=f"piper:{fake_model(tmp_path)}"))


@pytest.mark.skipif(not HAS_PIPER, reason="piper-tts (the optional [natural] extra) is not "
                    "installed")
def test_a_missing_or_broken_voice_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SpeechUnavailable, match=r"gone\.onnx was not found"):
        SpeechCache(VoiceSettings(voice=f"piper:{tmp_path / 'gone.onnx'}"))
    cache = SpeechCache(VoiceSettings(voice=f"piper:{fake_model(tmp_path)}"))
    with pytest.raises(SpeechUnavailable, match="The natural voice could not start"):
        cache.prepare(["One."])


def test_the_default_voice_never_imports_piper() -> None:
    code = ("import sys\n"
            "from knee_desktop.speech.render import SpeechCache\n"
            "from knee_desktop.runtime.planning import session_timeline\n"
            "SpeechCache().prepare(['One.'])\n"
            "assert 'piper' not in sys.modules and 'onnxruntime' not in sys.modules\n")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr


def test_the_cache_key_names_the_engine_and_the_voice_file(tmp_path: Path) -> None:
    model = fake_model(tmp_path)
    if not HAS_PIPER:
        pytest.skip("piper-tts is not installed")
    a = SpeechCache(VoiceSettings(voice=f"piper:{model}"))
    assert a.version.startswith("piper-tts ") and model.name in a.version
    assert a.key("One.") != SpeechCache().key("One.")
    model.with_name(model.name + ".json").write_text('{"other": 1}', encoding="utf-8")
    assert SpeechCache(VoiceSettings(voice=f"piper:{model}")).key("One.") != a.key("One.")


@pytest.mark.skipif(not (HAS_PIPER and VOICE), reason="needs piper-tts and a voice file in "
                    "KNEE_DESKTOP_PIPER_VOICE")
def test_a_real_natural_voice_renders_the_same_clip_every_time(tmp_path: Path) -> None:
    settings = VoiceSettings(voice=f"piper:{VOICE}", rate=170)
    first = SpeechCache(settings, tmp_path / "a")
    first.prepare(["Five.", "Hold still for ten seconds."])
    again = SpeechCache(settings, tmp_path / "b")
    again.prepare(["Five."])
    assert first.clip("Five.").samples == again.clip("Five.").samples  # deterministic
    assert 0.2 < first.duration("Five.") < 0.8
    # the soft /f/ is kept: the clip starts well before its first sample above -40 dBFS
    assert (first.clip("Five.").first_sound() or 0) / RATE > 0.015


def noisy(seconds: float, level: int, seed: int) -> list[int]:
    rnd = random.Random(seed)
    return [rnd.randint(-level, level) for _ in range(round(seconds * RATE))]


def test_trimming_keeps_a_soft_fricative_and_drops_the_noise_floor() -> None:
    floor = noisy(0.2, 8, 1)  # a neural voice's "silence": about -72 dBFS
    fricative = noisy(0.03, 200, 2)  # an /f/: between -64 and -40 dBFS for 30 ms
    vowel = [round(9000 * ((i % 100) / 50 - 1)) for i in range(round(0.2 * RATE))]
    clip = Clip(array.array("h", floor + fricative + vowel + floor)).trimmed()
    loud = clip.first_sound(SOUND_LEVEL) or 0
    assert 0.027 <= loud / RATE <= 0.034  # the 30 ms of /f/ (+2 ms) kept before the vowel
    assert clip.seconds < 0.2 + 0.03 + 0.03  # the floor before and after is gone
    espeak_like = Clip(array.array("h", [0] * 500 + vowel + [0] * 500)).trimmed()
    assert (espeak_like.first_sound(SOUND_LEVEL) or 0) / RATE < 0.003  # as before
