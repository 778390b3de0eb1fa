"""Issue 29, class 9, the smaller ones: an impossible cache sidecar is measured again, tiny
pauses are refused naming the field in the file (never a CLI option that was not given), a
byte-order mark is named, and a title of only invisible characters is refused. (CSV cells
that a spreadsheet would run: tests/test_hostile_export.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.labs.routines import GOOD, TINY
from knee_desktop.common.errors import RoutineError
from knee_desktop.main import main
from knee_desktop.prefs import user_settings as us
from knee_desktop.routine.loader import parse_routine


def _bad(text: str) -> RoutineError:
    with pytest.raises(RoutineError) as info:
        parse_routine(text, Path("bad.toml"))
    return info.value


@pytest.mark.cold_speech
@pytest.mark.parametrize("onset", ["1e308", "-1", "NaN", "Infinity", '"x"'])
def test_an_impossible_sidecar_is_measured_again(tmp_path: Path, onset: str) -> None:
    from knee_desktop.speech.render import SpeechCache

    cache = SpeechCache(folder=tmp_path)
    cache.prepare(["One."])
    good = cache.centre("One.")
    meta = cache._meta_path("One.")
    meta.write_text(f'{{"text": "One.", "vowel_onset": {onset}}}')
    again = SpeechCache(folder=tmp_path)
    again.prepare(["One."])
    assert again.centre("One.") == pytest.approx(good)
    assert again.rendered == 0  # the clip itself was fine
    assert json.loads(meta.read_text())["vowel_onset"] == pytest.approx(good)


@pytest.mark.parametrize(("old", "new", "field"), [
    ('end_say = "Go on."', 'end_say = "Go on."\nseconds = 1e-9', "steps[2].seconds"),
    ("reps = 3", "reps = 3\npause_seconds = 0.5", "defaults.pause_seconds"),
])
def test_tiny_pauses_are_refused_naming_the_field(old: str, new: str, field: str) -> None:
    assert old in GOOD
    err = _bad(GOOD.replace(old, new, 1))
    assert err.field == field and "at least 1" in str(err)


def test_a_pause_too_short_for_its_words_names_the_file(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    path = tmp_path / "long.toml"
    path.write_text(TINY.replace('say = "Still."', 'say = "Stay completely still now and '
                                 'breathe slowly while you wait for the next words."'))
    assert main(["plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"The pause comes from {path} (pause_seconds" in err
    assert "Choose a longer --pause." not in err


def test_a_byte_order_mark_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    err = _bad("\ufeff" + GOOD)
    assert err.line == 1 and "byte-order mark (BOM" in str(err)
    path = us.settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes("\ufeffrate = 150\n".encode())
    assert any("byte-order mark" in m for m in us.load().messages)


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u200c\u200d\u2060", "\ufeff", "\u3164",
                                   "\u00ad\u034f", " \u2800 ", "\u202e\u200f"])
def test_a_title_of_only_invisible_characters_is_refused(title: str) -> None:
    err = _bad(GOOD.replace('title = "Mini"', f'title = "{title}"'))
    assert err.field == "title" and "visible text" in str(err)


@pytest.mark.parametrize(("old", "field"), [('title = "Mini"', "title"),
                                            ('title = "Left"', "steps[1].title")])
def test_a_title_the_history_could_not_export_is_refused(old: str, field: str) -> None:
    """A 600-character title would be recorded, then refused by the import of its own
    export (at most 500): the routine is refused instead, naming the field."""
    assert old in GOOD
    err = _bad(GOOD.replace(old, old.replace('"', '"' + "x" * 600, 1), 1))
    assert err.field == field and "at most 200" in str(err)
