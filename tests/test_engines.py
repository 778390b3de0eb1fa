"""Festival and flite as render engines behind the same worker, cache, clip checks and
vowel-onset measurement; festival reads routine text as text, never as Scheme."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knee_desktop.speech import engines, festival
from knee_desktop.speech.clip import RATE, check_clip, read_wav
from knee_desktop.speech.render import SpeechCache, SpeechUnavailable, VoiceSettings

pytestmark = pytest.mark.cold_speech  # these render: the cache starts empty

REPO = Path(__file__).resolve().parent.parent
SLT_HTS = "festival:cmu_us_slt_arctic_hts"
HAS_FESTIVAL = shutil.which("festival") is not None and any(
    v.id == SLT_HTS for v in festival.installed())
HAS_FLITE = shutil.which("flite") is not None
needs_festival = pytest.mark.skipif(not HAS_FESTIVAL, reason="festival and festvox-us-slt-hts "
                                    "are not installed (packaging/debian-packages.txt)")
needs_flite = pytest.mark.skipif(not HAS_FLITE, reason="flite is not installed")
PHRASES = ["One.", "Seven.", "Pause. Be still for ten seconds."]


def rendered(voice: str, folder: Path, phrases: list[str], rate: int = 200) -> SpeechCache:
    cache = SpeechCache(VoiceSettings(voice=voice, rate=rate), folder)
    seen: list[tuple[int, int]] = []
    cache.prepare(phrases, lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(set(phrases)), len(set(phrases)))
    return cache


@pytest.mark.parametrize("voice", [
    pytest.param(SLT_HTS, marks=needs_festival),
    pytest.param("flite:slt", marks=needs_flite),
    pytest.param("flite:rms", marks=needs_flite)])
def test_an_engine_renders_checked_trimmed_measured_clips(voice: str, tmp_path: Path) -> None:
    cache = rendered(voice, tmp_path, PHRASES)
    assert cache.rendered == 3 and cache.engine is not None
    for text in PHRASES:
        clip = cache.clip(text)
        check_clip(text, clip)  # 22050 Hz mono (flite's 16 kHz resampled), a plausible length
        first = clip.first_sound()
        assert first is not None and first <= 0.09 * RATE  # leading silence trimmed
        assert read_wav(cache.path(text)).samples == clip.samples
        if text in PHRASES[:2]:  # a count's vowel onset: after its first sound, early
            assert 0.0 <= cache.centre(text) < 0.3
        assert json.loads(cache.path(text).with_suffix(".json").read_text())["vowel_onset"] \
            == pytest.approx(cache.centre(text))
    assert cache.duration(PHRASES[2]) > 3 * cache.duration(PHRASES[0])
    assert cache.key("One.") != SpeechCache(VoiceSettings(), tmp_path).key("One.")
    faster = rendered(voice, tmp_path / "fast", PHRASES[2:], rate=280)
    assert faster.duration(PHRASES[2]) < 0.85 * cache.duration(PHRASES[2])  # the rate counts
    warm = rendered(voice, tmp_path, PHRASES)
    assert warm.rendered == 0


@needs_festival
def test_scheme_in_a_routine_is_spoken_as_text(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # festival runs here: `touch x` would make tmp_path/x
    marker = tmp_path / "x"
    hostile = ['Bend. ") (system "touch x") ("',
               'Lift \\") (system \\"touch x\\") (\\" now.',
               'Hold (system "touch x")\n(quit) still.']
    cache = rendered(SLT_HTS, tmp_path / "cache", hostile)
    assert not marker.exists()  # nothing was run
    for text in hostile:
        assert cache.duration(text) > 1.0  # the words were spoken ("Bend." alone: 0.4 s)
    # and the worker survived all three: one more phrase after them renders
    cache.prepare(["Two."])
    assert 0.15 < cache.duration("Two.") < 0.8


def test_scheme_strings_cannot_be_ended() -> None:
    assert festival.scheme_string('a"b\\c\nd') == '"a\\"b\\\\c d"'
    with pytest.raises(engines.EngineUnavailable, match="not a festival voice name"):
        festival.voice_name('festival:x) (system "id")')


def test_a_missing_engine_voice_names_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(SpeechUnavailable, match=r"festvox-us-slt-hts|festival"):
        SpeechCache(VoiceSettings(voice="festival:cmu_us_nobody_hts"), tmp_path)
    if HAS_FLITE:
        with pytest.raises(SpeechUnavailable, match="Flite has no voice 'nobody'"):
            SpeechCache(VoiceSettings(voice="flite:nobody"), tmp_path)


@pytest.mark.skipif(not (HAS_FESTIVAL and HAS_FLITE), reason="festival or flite missing")
def test_the_voices_command_offers_them_with_their_licences() -> None:
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "voices", "--json"],
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=True)
    listed = {v["id"]: v for v in json.loads(proc.stdout)["voices"]}
    assert "CMU ARCTIC" in listed[SLT_HTS]["licence"]
    assert "BSD" in listed["flite:slt"]["licence"] and "flite:rms" in listed
    plain = subprocess.run([sys.executable, "-m", "knee_desktop", "voices"], cwd=REPO,
                           capture_output=True, text=True, timeout=60, check=True).stdout
    assert "licence: Festival and HTS engine" in plain


@needs_flite
def test_flite_takes_option_like_text_as_text(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = "-o x.wav -voice rms"
    cache = rendered("flite:slt", tmp_path / "cache", [text])
    assert not (tmp_path / "x.wav").exists()  # not an option: spoken
    assert cache.duration(text) > 1.0
