"""The thigh massage's screen says what its voice says (issue 24): not "lie on your back,
toes to the ceiling" while the voice says "sit or lie comfortably"; and its last release is
not run into the rest's words (no phrase within a second of the next)."""

from __future__ import annotations

import itertools
from dataclasses import replace

from knee_desktop.plan.pose import Pose
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.plan.timeline import estimate_speech_seconds as say
from knee_desktop.plan.words import first_sentence
from knee_desktop.routine.loader import load_catalog
from knee_desktop.routine.model import PressStep
from knee_desktop.ui.diagram.leg_diagram import caption_text, describe


def test_the_thigh_screen_does_not_say_lie_on_your_back() -> None:
    lead_in = Pose("lead-in", "left")
    rest = Pose("rest", "left", seconds_left=8)
    assert "toes to the ceiling" in caption_text(lead_in, "legs")
    for pose in (lead_in, rest):
        for words in (caption_text(pose, "thigh"), describe(pose, "thigh")):
            assert "back" not in words and "ceiling" not in words and "Lie there" not in words
    assert "sit or lie comfortably" in caption_text(lead_in, "thigh")
    assert caption_text(rest, "thigh").endswith("Rest and feel")


def test_the_last_release_is_a_second_clear_of_the_rest() -> None:
    timeline = compile_timeline(load_catalog().get("thigh-massage"))
    spoken = timeline.speech()
    gaps = [b.t - (a.t + say(a.text or "")) for a, b in itertools.pairwise(spoken)
            if a.kind == "release" and b.kind != "press"]
    assert gaps and min(gaps) >= 1.0 - 1e-9, gaps


def test_the_last_press_does_not_send_the_person_to_find_another_spot() -> None:
    """Each release but the last says the whole release words; the last says only its
    first sentence ("Release."), then the rest's words follow."""
    timeline = compile_timeline(load_catalog().get("thigh-massage"))
    for leg in ("left", "right"):
        releases = [e.text for e in timeline.events if e.kind == "release" and e.leg == leg]
        assert len(releases) == 6, releases
        assert releases[:-1] == ["Release. Find another tender spot."] * 5
        assert releases[-1] == "Release."


def test_a_single_sentence_release_is_said_whole_and_one_press_is_the_last() -> None:
    assert first_sentence("Release. Find another tender spot.") == "Release."
    assert first_sentence("  Release and breathe!  Then find one. ") == "Release and breathe!"
    assert first_sentence("Release slowly") == "Release slowly"
    assert first_sentence("Let go at 2.5 cm. Next.") == "Let go at 2.5 cm."
    thigh = load_catalog().get("thigh-massage")
    one = replace(thigh, steps=tuple(replace(s, presses=1) if isinstance(s, PressStep) else s
                                     for s in thigh.steps))
    timeline = compile_timeline(one, PlanSettings(leg="left"))
    assert [e.text for e in timeline.events if e.kind == "release"] == ["Release."]
